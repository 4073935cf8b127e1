"""The backend protocol: what the indexer writes through and the API reads through.

Two implementations: :mod:`directory.sqlite_backend` (embedded default, standard library only)
and :mod:`directory.elasticsearch_backend` (for scale). :func:`open_backend` picks one from a
URL; the Elasticsearch driver is imported only when asked for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, runtime_checkable

from .model import IndexInfo, Practitioner, SearchPage, SearchQuery

ProgressCallback = Callable[[int], None]
"""Called with the number of documents written so far."""


class BackendUnavailable(RuntimeError):
    """The search backend cannot answer now (down, missing, locked, timed out)."""


class InvalidCursor(ValueError):
    """A ``cursor`` that this backend did not issue for this query."""


@runtime_checkable
class DirectoryBackend(Protocol):
    """A searchable store of practitioners at places."""

    kind: str
    """``"sqlite"`` or ``"elasticsearch"``: what ``/api/v1/health`` reports."""

    def search(self, query: SearchQuery) -> SearchPage:
        """Matches of ``query``: exact total, facets over all matches, one page, a cursor to the next."""

    def get(self, practitioner_id: str) -> Practitioner | None:
        """The practitioner at a place with this id, or ``None``."""

    def places_of(self, person_id: str) -> list[Practitioner]:
        """Every place where this person practises, in id order."""

    def counts(self, facet: str) -> dict[str, int]:
        """Number of indexed practitioners per code of ``facet`` (``profession``, ``specialty``, ``sector``)."""

    def info(self) -> IndexInfo:
        """Size and provenance of the live index; raises :class:`BackendUnavailable` when it cannot answer."""

    def replace_all(self, practitioners: Iterable[Practitioner], *, data_date: str | None, demo: bool,
                    on_progress: ProgressCallback | None = None) -> IndexInfo:
        """Build a complete new index from ``practitioners`` and make it live in one atomic step.

        Until that step, searches keep answering from the previous index; a load that fails or is
        killed part-way leaves the previous index live and untouched.
        """

    def close(self) -> None:
        """Release connections."""


@dataclass(frozen=True)
class BackendSettings:
    """Connection settings, from configuration (never read at import)."""

    timeout_s: float = 2.0
    retries: int = 2
    username: str | None = None
    password: str | None = None
    api_key: str | None = None
    ca_certs: str | None = None
    index_name: str = "annuaire-practitioners"
    extra: dict = field(default_factory=dict)


def sqlite_path_from_url(url: str) -> Path:
    """``sqlite:///srv/annuaire.sqlite3`` → ``/srv/annuaire.sqlite3``; ``sqlite://instance/a.sqlite3`` → relative."""
    return Path(url.removeprefix("sqlite://"))


def open_backend(url: str, settings: BackendSettings | None = None) -> DirectoryBackend:
    """The backend that ``url`` names: ``sqlite://PATH`` or ``http(s)://HOST:PORT[,…]`` (Elasticsearch)."""
    settings = settings or BackendSettings()
    if url.startswith("sqlite://"):
        from .sqlite_backend import SqliteBackend

        return SqliteBackend(sqlite_path_from_url(url), settings)
    if url.startswith(("http://", "https://")):
        from .elasticsearch_backend import ElasticsearchBackend

        return ElasticsearchBackend([part.strip() for part in url.split(",") if part.strip()], settings)
    raise ValueError(f"URL de backend non reconnue : {url!r} (attendu sqlite://CHEMIN ou http(s)://HÔTE:PORT)")
