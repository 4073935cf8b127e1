"""The domain model: a practitioner at a place, a search query, a page of results, facets.

Plain frozen dataclasses: the code behind the schemas trusts them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SORT_DISTANCE = "distance"
SORT_RELEVANCE = "relevance"
SORT_NAME = "name"
SORTS = (SORT_DISTANCE, SORT_RELEVANCE, SORT_NAME)

FACET_FIELDS = ("profession", "specialty", "sector", "mode", "optam", "carte_vitale")
"""Facets of a search; ``optam`` and ``carte_vitale`` count the codes ``"true"`` and ``"false"``."""

PRECISION_ADDRESS = "address"
PRECISION_MUNICIPALITY = "municipality"


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float
    precision: str = PRECISION_MUNICIPALITY


@dataclass(frozen=True, slots=True)
class Address:
    line: str | None
    postal_code: str | None
    commune: str | None
    commune_code: str | None
    departement: str | None


@dataclass(frozen=True, slots=True)
class Practitioner:
    """One practitioner at one place: the unit that is indexed and returned."""

    id: str
    person_id: str
    rpps: str | None
    civilite: str | None
    nom: str
    prenom: str | None
    profession: str
    specialties: tuple[str, ...]
    sector: str | None
    optam: bool | None
    carte_vitale: bool | None
    mode: str | None
    address: Address
    phone: str | None
    location: Location
    site_name: str | None = None


@dataclass(frozen=True, slots=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed, validated search. Empty tuples mean "no filter"; ``None`` means "not given"."""

    text: str | None = None
    professions: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    optam: bool | None = None
    carte_vitale: bool | None = None
    postal_code: str | None = None
    commune_code: str | None = None
    departement: str | None = None
    circle: Circle | None = None
    bbox: BBox | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = 20
    cursor: str | None = None
    facets: bool = True

    @property
    def effective_sort(self) -> str:
        """The sort asked for, or the contract's default: distance with a point, relevance with text, else name."""
        if self.sort is not None:
            return self.sort
        if self.circle is not None:
            return SORT_DISTANCE
        if self.text:
            return SORT_RELEVANCE
        return SORT_NAME


@dataclass(frozen=True, slots=True)
class FacetCount:
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class Hit:
    practitioner: Practitioner
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What describes a loaded index as a whole."""

    documents: int
    data_date: str | None
    demo: bool
