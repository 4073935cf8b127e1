"""Configuration: defaults < JSON file (``ANNUAIRE_CONFIG``) < ``ANNUAIRE_*`` environment < explicit overrides.

Read only when :func:`load_settings` is called (by ``create_app`` or the CLI), never at import.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .backend import BackendSettings

DEFAULT_BACKEND_URL = "sqlite://instance/annuaire.sqlite3"


@dataclass(frozen=True)
class Settings:
    backend: str = DEFAULT_BACKEND_URL
    """``sqlite://PATH`` or ``http(s)://HOST:PORT[,HOST:PORT…]`` (Elasticsearch)."""
    timeout_s: float = 2.0
    retries: int = 2
    es_index: str = "annuaire-practitioners"
    es_replicas: int = 0
    """Replicas of each Elasticsearch shard (``1`` on a cluster of two nodes or more)."""
    es_username: str | None = None
    es_password: str | None = None
    es_api_key: str | None = None
    es_ca_certs: str | None = None
    cors_origins: tuple[str, ...] = ()
    frame_ancestors: tuple[str, ...] = ("'self'",)
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© les contributeurs d'OpenStreetMap"
    """Credit shown on the map for ``tile_url`` (plain text)."""
    ban_url: str | None = None
    geocode_cache: str = "instance/geocode-cache.sqlite3"
    geodata_dir: str | None = None
    rate_limit_per_minute: int = 0
    max_query_length: int = 200

    def backend_settings(self) -> BackendSettings:
        return BackendSettings(timeout_s=self.timeout_s, retries=self.retries, username=self.es_username,
                               password=self.es_password, api_key=self.es_api_key, ca_certs=self.es_ca_certs,
                               index_name=self.es_index, extra={"replicas": self.es_replicas})


def _coerce(name: str, value: Any) -> Any:
    kind = {field.name: field.type for field in fields(Settings)}[name]
    if isinstance(value, str):
        if "tuple" in str(kind):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if kind == "float":
            return float(value)
        if kind == "int":
            return int(value)
        if "None" in str(kind) and value == "":
            return None
    if isinstance(value, list):
        return tuple(value)
    return value


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    names = {field.name for field in fields(Settings)}
    values: dict[str, Any] = {}
    config_file = environ.get("ANNUAIRE_CONFIG")
    if config_file:
        values.update(json.loads(Path(config_file).read_text(encoding="utf-8")))
    for name in names:
        key = f"ANNUAIRE_{name.upper()}"
        if key in environ:
            values[name] = environ[key]
    values.update(overrides or {})
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"paramètres de configuration inconnus : {', '.join(sorted(unknown))}")
    return replace(Settings(), **{name: _coerce(name, value) for name, value in values.items()})
