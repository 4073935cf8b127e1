"""Serves the static pages."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

STATIC = Path(__file__).resolve().parent / "static"

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return send_from_directory(STATIC, "index.html")
