"""Benchmarks at national scale: ``make bench`` (see bench/run.py)."""
