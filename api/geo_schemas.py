"""Validation of the parameters of ``/api/v1/cpam``, ``/api/v1/cpam/nearest`` and ``/api/v1/places``."""
from __future__ import annotations

from marshmallow import RAISE, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from .problems import invalid_parameters
from .schema_base import FrenchSchema, flat_messages
from .search_params import COMMUNE_CODE_RE, POSTAL_CODE_RE, FullMatch

MAX_NEAREST, DEFAULT_NEAREST = 50, 5
MAX_PLACES, DEFAULT_PLACES = 50, 10
MIN_PLACE_QUERY, MAX_PLACE_QUERY = 2, 100


def _latitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90, error="doit être compris entre -90 et 90"),
                        allow_nan=False, metadata={"description": "Latitude WGS84 en degrés."}, **kwargs)


def _longitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180, error="doit être compris entre -180 et 180"),
                        allow_nan=False, metadata={"description": "Longitude WGS84 en degrés."}, **kwargs)


def _limit(default: int, maximum: int) -> fields.Integer:
    return fields.Integer(load_default=default, strict=False,
                          validate=validate.Range(1, maximum, error="doit être compris entre {min} et {max}"),
                          metadata={"description": f"Nombre maximal de résultats (défaut {default}, max {maximum})."})


class CpamQuerySchema(FrenchSchema):
    """Exactly one of ``postal_code``, ``commune`` or ``lat`` + ``lon``."""

    class Meta:
        unknown = RAISE

    postal_code = fields.String(validate=FullMatch(POSTAL_CODE_RE, error="doit être un code postal à 5 chiffres"),
                                metadata={"description": "Code postal à 5 chiffres, ex. 75011."})
    commune = fields.String(validate=FullMatch(COMMUNE_CODE_RE, error="doit être un code commune INSEE (ex. 75111, 2A004)"),
                            metadata={"description": "Code commune INSEE, ex. 75111 ou 2A004."})
    lat = _latitude()
    lon = _longitude()

    @validates_schema
    def _one_place(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ValidationError("lat et lon vont ensemble", "lat" if "lat" not in data else "lon")
        given = [name for name in ("postal_code", "commune", "lat") if name in data]
        if not given:
            raise ValidationError("paramètre obligatoire : postal_code, commune, ou lat et lon", "postal_code")
        if len(given) > 1:
            shown = ", ".join("lat/lon" if name == "lat" else name for name in given)
            raise ValidationError(f"un seul lieu à la fois (reçu : {shown})", given[1])


class NearestOfficesSchema(FrenchSchema):
    class Meta:
        unknown = RAISE

    lat = _latitude(required=True)
    lon = _longitude(required=True)
    limit = _limit(DEFAULT_NEAREST, MAX_NEAREST)


class PlacesQuerySchema(FrenchSchema):
    class Meta:
        unknown = RAISE

    q = fields.String(required=True, validate=validate.Length(
        MIN_PLACE_QUERY, MAX_PLACE_QUERY, error="doit compter entre {min} et {max} caractères"),
        metadata={"description": "Début d'un nom de commune, d'un code postal ou d'un département."})
    limit = _limit(DEFAULT_PLACES, MAX_PLACES)


def parse_args(schema: FrenchSchema, args: MultiDict) -> dict:
    """Request args → validated parameters, or a 400 problem listing every error (a repeated
    parameter is an error, never silently reduced to one of its values)."""
    data, errors = {}, {}
    for key in args:
        values = args.getlist(key)
        if len(values) > 1:
            errors[key] = ["paramètre répété"]
        else:
            data[key] = values[0].strip() if key == "q" else values[0]
    try:
        params = schema.load(data)
    except ValidationError as error:
        errors.update(flat_messages(error.normalized_messages()))
        params = None
    if errors:
        raise invalid_parameters(errors)
    return params
