"""Validation of ``GET /api/v1/practitioners`` parameters into a :class:`SearchQuery` (the edge)."""
from __future__ import annotations

import re

from marshmallow import RAISE, ValidationError, fields, validate, validates, validates_schema

from directory.model import SORT_DISTANCE, SORT_RELEVANCE, SORTS, BBox, Circle, SearchQuery
from directory.nomenclatures import modes, professions, sectors, specialties

from .schema_base import FrenchSchema

MAX_PER_PAGE = 100
MAX_OFFSET_WINDOW = 10_000
DEFAULT_RADIUS_KM = 10.0
DEFAULT_MAX_QUERY_LENGTH = 200
MIN_RADIUS_KM, MAX_RADIUS_KM = 0.1, 100.0
REPEATABLE = ("profession", "specialty", "sector", "mode")
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "975", "976"]
BBOX_RE = r"^-?[0-9]{1,3}(\.[0-9]{1,12})?(,-?[0-9]{1,3}(\.[0-9]{1,12})?){3}$"
POSTAL_CODE_RE = r"^[0-9]{5}$"
COMMUNE_CODE_RE = r"^([0-9]{5}|2[AB][0-9]{3})$"
STRICT_BOOLEAN = {"truthy": {"true"}, "falsy": {"false"}, "error_messages": {"invalid": "doit valoir true ou false"}}


class KnownCodes(validate.Validator):
    """Every value is a code of the nomenclature (read on first use, not at import)."""

    def __init__(self, code_list_factory, what: str):
        self.code_list_factory = code_list_factory
        self.what = what

    def __call__(self, values):
        code_list = self.code_list_factory()
        unknown = [value for value in values if value not in code_list]
        if unknown:
            raise ValidationError(f"{self.what} inconnu ({', '.join(unknown[:5])}) ; "
                                  f"valeurs possibles : {', '.join(code_list.allowed())}")
        return values


def _allowed(code_list_factory, what: str) -> validate.Validator:
    return KnownCodes(code_list_factory, what)


class FullMatch(validate.Regexp):
    """``Regexp`` matched against the whole value (``$`` alone lets a trailing newline through)."""

    def __call__(self, value):
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def _code() -> fields.String:
    return fields.String(validate=validate.Length(min=1, error="valeur vide"))


def _range(low, high, what="doit être compris entre {min:g} et {max:g}"):
    return validate.Range(low, high, error=what)


class BBoxField(fields.Field):
    """``minLon,minLat,maxLon,maxLat`` → :class:`BBox`."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(BBOX_RE, value):
            raise ValidationError("attendu minLon,minLat,maxLon,maxLat (4 nombres décimaux)")
        parts = [float(part) for part in value.split(",")]
        min_lon, min_lat, max_lon, max_lat = parts
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ValidationError("coordonnées hors limites ou minimum supérieur au maximum")
        return BBox(min_lon, min_lat, max_lon, max_lat)


def _query_length(max_length: int) -> validate.Validator:
    return validate.Length(max=max_length, error="doit faire au plus {max} caractères")


class SearchParamsSchema(FrenchSchema):
    """The query parameters of ``GET /api/v1/practitioners``; ``max_query_length`` bounds ``q`` (settings)."""

    class Meta:
        unknown = RAISE

    q = fields.String(validate=_query_length(DEFAULT_MAX_QUERY_LENGTH),
                      metadata={"description": "Texte libre : nom, profession ou spécialité ; insensible aux "
                                               "accents, à la casse et aux tirets (« st etienne » = « Saint-Étienne »)."})
    profession = fields.List(_code(), validate=_allowed(professions, "code profession"),
                             metadata={"description": "Code profession (nomenclature RPPS TRE_G15, ex. 10 médecin, "
                                                      "60 infirmier) ; répétable (ou valeurs séparées par des virgules), OU entre les valeurs."})
    specialty = fields.List(_code(), validate=_allowed(specialties, "code spécialité"),
                            metadata={"description": "Code spécialité (voir /api/v1/specialties) ; répétable, OU."})
    sector = fields.List(_code(), validate=_allowed(sectors, "secteur"),
                         metadata={"description": "Secteur de convention : 1, 1-dp, 2, nc ; répétable, OU."})
    mode = fields.List(_code(), validate=_allowed(modes, "mode d'exercice"),
                       metadata={"description": "Mode d'exercice : L libéral, S salarié, B bénévole ; répétable."})
    optam = fields.Boolean(**STRICT_BOOLEAN, metadata={"description": "Adhérent à l'OPTAM."})
    carte_vitale = fields.Boolean(**STRICT_BOOLEAN, metadata={"description": "Accepte la carte Vitale."})
    lat = fields.Float(validate=_range(-90, 90), allow_nan=False,
                       metadata={"description": "Latitude WGS84 du centre du cercle (avec lon)."})
    lon = fields.Float(validate=_range(-180, 180), allow_nan=False,
                       metadata={"description": "Longitude WGS84 du centre du cercle (avec lat)."})
    radius_km = fields.Float(validate=_range(MIN_RADIUS_KM, MAX_RADIUS_KM), allow_nan=False,
                             metadata={"description": "Rayon du cercle en km (défaut 10), avec lat/lon ou near."})
    postal_code = fields.String(validate=FullMatch(POSTAL_CODE_RE, error="code postal à 5 chiffres attendu"),
                                metadata={"description": "Code postal à 5 chiffres de l'adresse ; 404 s'il n'existe pas."})
    commune = fields.String(validate=FullMatch(COMMUNE_CODE_RE, error="code commune INSEE attendu (ex. 75111, 2A004)"),
                            metadata={"description": "Code commune INSEE (ex. 75111, 2A004) ; 404 s'il n'existe pas."})
    departement = fields.String(validate=validate.OneOf(
        DEPARTEMENTS, error="code département inconnu ({input}) ; valeurs possibles : {choices}"),
                                metadata={"description": "Code département (01…95, 2A, 2B, 971…976)."})
    bbox = BBoxField(metadata={"description": "Emprise minLon,minLat,maxLon,maxLat (degrés WGS84).",
                               "pattern": BBOX_RE, "example": "2.25,48.81,2.42,48.90"})
    near = fields.String(validate=validate.Length(min=2, max=100, error="doit faire entre {min} et {max} caractères"),
                         metadata={"description": "Lieu en texte libre (commune ou code postal) résolu en un point, "
                                                  "puis recherche dans un cercle de radius_km."})
    sort = fields.String(validate=validate.OneOf(SORTS, error=f"valeurs possibles : {', '.join(SORTS)}"),
                         metadata={"description": "distance (défaut avec un point), relevance (défaut avec q), name."})
    page = fields.Integer(validate=_range(1, 100_000, "doit être un entier d'au moins {min}"),
                          metadata={"description": "Page (à partir de 1) ; page × per_page ≤ 10 000, au-delà : cursor."})
    per_page = fields.Integer(validate=_range(1, MAX_PER_PAGE), metadata={"description": "Résultats par page (défaut 20)."})
    cursor = fields.String(validate=validate.Length(min=1, max=1000, error="curseur invalide"),
                           metadata={"description": "Jeton opaque lu dans next_cursor, pour la pagination profonde."})
    format = fields.String(validate=validate.OneOf(["json", "geojson"], error="valeurs possibles : json, geojson"),
                           metadata={"description": "json (défaut) ou geojson (FeatureCollection des mêmes résultats)."})

    def __init__(self, *, max_query_length: int = DEFAULT_MAX_QUERY_LENGTH, **kwargs):
        super().__init__(**kwargs)
        self.fields["q"].validators = [_query_length(max_query_length)]

    @validates("q")
    def _printable(self, value, **_):
        if "\x00" in value:
            raise ValidationError("caractère interdit")

    @validates_schema
    def _consistent(self, data, **_):
        errors: dict[str, list[str]] = {}
        if ("lat" in data) != ("lon" in data):
            errors["lat" if "lat" not in data else "lon"] = ["lat et lon vont ensemble"]
        locations = [name for name in ("lat", "near", "postal_code", "commune", "departement", "bbox") if name in data]
        if len(locations) > 1:
            shown = ["lat/lon" if name == "lat" else name for name in locations]
            for name in locations:
                errors.setdefault(name, []).append(f"un seul critère de lieu à la fois ({', '.join(shown)})")
        has_point = "lat" in data or "near" in data
        if "radius_km" in data and not has_point:
            errors["radius_km"] = ["demande lat/lon ou near"]
        if data.get("sort") == SORT_DISTANCE and not has_point:
            errors["sort"] = ["le tri par distance demande lat/lon ou near"]
        if data.get("sort") == SORT_RELEVANCE and not (data.get("q") or "").strip():
            errors["sort"] = ["le tri par pertinence demande q"]
        if "cursor" in data and "page" in data:
            errors["cursor"] = ["cursor et page ne vont pas ensemble"]
        page, per_page = data.get("page", 1), data.get("per_page", 20)
        if page * per_page > MAX_OFFSET_WINDOW:
            errors["page"] = [f"page × per_page ne peut dépasser {MAX_OFFSET_WINDOW} : utilisez cursor"]
        if errors:
            raise ValidationError(errors)


def flatten_args(args) -> tuple[dict, dict[str, list[str]]]:
    """Request args → schema input: lists for repeatable parameters, single values otherwise."""
    data, errors = {}, {}
    for key in args:
        values = args.getlist(key)
        if key in REPEATABLE:
            data[key] = [value for part in values for value in part.split(",")]
        elif len(values) > 1:
            errors[key] = ["paramètre répété"]
        else:
            data[key] = values[0]
    return data, errors


def to_query(params: dict, point: tuple[float, float] | None) -> SearchQuery:
    """A validated parameter dict (and the resolved point of ``near``) → :class:`SearchQuery`."""
    if point is None and "lat" in params:
        point = (params["lat"], params["lon"])
    circle = None if point is None else Circle(point[0], point[1], params.get("radius_km", DEFAULT_RADIUS_KM))
    text = (params.get("q") or "").strip() or None
    return SearchQuery(
        text=text,
        professions=tuple(dict.fromkeys(params.get("profession", ()))),
        specialties=tuple(dict.fromkeys(params.get("specialty", ()))),
        sectors=tuple(dict.fromkeys(params.get("sector", ()))),
        modes=tuple(dict.fromkeys(params.get("mode", ()))),
        optam=params.get("optam"),
        carte_vitale=params.get("carte_vitale"),
        postal_code=params.get("postal_code"),
        commune_code=params.get("commune"),
        departement=params.get("departement"),
        circle=circle,
        bbox=params.get("bbox"),
        sort=params.get("sort"),
        page=params.get("page", 1),
        per_page=params.get("per_page", 20),
        cursor=params.get("cursor"),
    )
