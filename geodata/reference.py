"""The reference geography, loaded once per process: :func:`load_reference`.

Nothing is read at import. Each part (communes, départements, CPAM, place index) is read on
first use, then kept; :meth:`Reference.load_all` forces everything (used by the benchmark and
by a server that prefers to pay at start-up).
"""
from __future__ import annotations

import contextlib
import functools
import gc
from pathlib import Path

from geodata.communes import (Commune, PostalCodeEntry, read_commune_aliases, read_communes,
                              read_postal_codes)
from geodata.cpam import CpamDirectory, read_cpam
from geodata.cpam_lookup import cpam_answer, nearest_offices_answer
from geodata.departements import Departement, Departements, read_departements
from geodata.nearest import NearestIndex
from geodata.places import PlaceIndex

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = ["Commune", "Departement", "PostalCodeEntry", "Reference", "load_reference", "DEFAULT_DATA_DIR"]


@contextlib.contextmanager
def _collector_paused():
    """Building tens of thousands of objects that live as long as the process sets off full
    garbage collections that free nothing (a third of the loading time): pause the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _part(build):
    """A part of the reference, built on first use with the collector paused, then kept."""
    @functools.wraps(build)
    def built(self):
        with _collector_paused():
            return build(self)

    return functools.cached_property(built)


class Reference:
    """Communes, postal codes, départements, CPAM caisses and place suggestions, in memory."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)

    # -- communes and postal codes -------------------------------------------------------
    @_part
    def _communes_and_search_names(self) -> tuple[dict[str, Commune], dict[str, str]]:
        return read_communes(self.data_dir)

    @_part
    def communes(self) -> dict[str, Commune]:
        """Every current commune and municipal arrondissement, by INSEE code."""
        return self._communes_and_search_names[0]

    @_part
    def postal_codes(self) -> dict[str, tuple[PostalCodeEntry, ...]]:
        """Postal code → its (postal code, commune, libellé d'acheminement) entries."""
        return read_postal_codes(self.data_dir)

    @_part
    def commune_aliases(self) -> dict[str, str]:
        """Former / delegated commune code → current commune code."""
        return read_commune_aliases(self.data_dir)

    def commune(self, code: str | None) -> Commune | None:
        """The commune or municipal arrondissement with this INSEE code (current codes only)."""
        return self.communes.get(code) if code else None

    def current_commune(self, code: str | None) -> Commune | None:
        """Like :meth:`commune`, also following a former or delegated commune code to its current commune."""
        if not code:
            return None
        return self.communes.get(code) or self.communes.get(self.commune_aliases.get(code, ""))

    def communes_for_postal_code(self, postal_code: str | None) -> list[Commune]:
        """The communes this postal code delivers to (arrondissements for Paris, Lyon, Marseille),
        most populated first; empty for an unknown code."""
        entries = self.postal_codes.get(postal_code or "", ())
        communes = [self.communes[entry.commune_code] for entry in entries]
        return sorted(communes, key=lambda commune: (-commune.population, commune.code))

    # -- départements and points ----------------------------------------------------------
    @_part
    def departements(self) -> Departements:
        """The metropolitan départements and the five DROM, with their polygons."""
        return read_departements(self.data_dir)

    def departement(self, code: str | None) -> Departement | None:
        return self.departements.get(code)

    def departement_at(self, lat: float, lon: float) -> Departement | None:
        """The département containing the point, ``None`` outside them (at sea, abroad, in a COM)."""
        return self.departements.at(lat, lon)

    @_part
    def _commune_points(self) -> NearestIndex[Commune]:
        # Paris, Lyon and Marseille are represented by their arrondissements
        parents = {commune.parent for commune in self.communes.values() if commune.parent}
        return NearestIndex(c for c in self.communes.values() if c.code not in parents)

    def nearest_commune(self, lat: float, lon: float) -> Commune | None:
        """The commune (or municipal arrondissement) whose centre is nearest to the point."""
        nearest = self._commune_points.nearest(lat, lon, 1)
        return nearest[0][0] if nearest else None

    # -- place suggestions ---------------------------------------------------------------
    @_part
    def places(self) -> PlaceIndex:
        return PlaceIndex(self.communes.values(), self._communes_and_search_names[1],
                          self.departements.by_code.values(), self.postal_codes, self.communes_for_postal_code)

    def suggest_places(self, q: str, limit: int = 10) -> list[dict]:
        """The contract's ``/api/v1/places`` objects for the text ``q``, best first."""
        return [place.to_dict() for place in self.places.suggest(q, limit)]

    # -- CPAM ------------------------------------------------------------------------------
    @_part
    def cpam(self) -> CpamDirectory:
        """The caisses, their reception offices and the commune → caisse rule."""
        return read_cpam(self.data_dir)

    def cpam_for_postal_code(self, postal_code: str) -> dict | None:
        """The ``/api/v1/cpam`` answer for a postal code; ``None`` when the postal code does not exist."""
        communes = self.communes_for_postal_code(postal_code)
        return cpam_answer(self.cpam, communes, postal_code=postal_code) if communes else None

    def cpam_for_commune(self, code: str) -> dict | None:
        """The ``/api/v1/cpam`` answer for an INSEE commune code; ``None`` when the commune does not exist."""
        commune = self.current_commune(code)
        return cpam_answer(self.cpam, [commune]) if commune else None

    def cpam_at(self, lat: float, lon: float) -> dict | None:
        """The ``/api/v1/cpam`` answer for a point (its nearest commune, offices nearest to the point);
        ``None`` outside the départements."""
        if self.departement_at(lat, lon) is None:
            return None
        commune = self.nearest_commune(lat, lon)
        return cpam_answer(self.cpam, [commune], origin=(lat, lon)) if commune else None

    def nearest_cpam_offices(self, lat: float, lon: float, limit: int = 5) -> list[dict]:
        """The ``/api/v1/cpam/nearest`` answer: the ``limit`` nearest reception offices with their caisse."""
        return nearest_offices_answer(self.cpam, lat, lon, limit)

    def load_all(self) -> "Reference":
        """Load every part now rather than on first use (a server calls this at start-up).

        The loaded objects are then moved out of the garbage collector's reach (``gc.freeze``):
        they live as long as the process, and a full collection scanning them all would pause a
        request for tens of milliseconds."""
        for name in ("communes", "postal_codes", "commune_aliases", "departements", "_commune_points", "places", "cpam"):
            getattr(self, name)
        gc.freeze()
        return self


@functools.cache
def _load_reference(data_dir: Path) -> Reference:
    return Reference(data_dir)


def load_reference(data_dir: Path | None = None) -> Reference:
    """The :class:`Reference` for ``data_dir`` (default: the files shipped in ``geodata/data``),
    one instance per directory and process."""
    return _load_reference(Path(data_dir or DEFAULT_DATA_DIR).resolve())
