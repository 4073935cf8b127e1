"""Annuaire indexer: source readers, the transform and pipeline, the synthetic data generator, the CLI."""
