"""marshmallow schemas of the API's responses.

They document the responses in ``/api/openapi.json`` (through apispec) and, in the tests, validate
actual responses (``PageSchema().validate(body)`` must be empty). ``unknown = RAISE`` everywhere:
a field the code sends but that is not documented here is an error, so the document cannot drift.
"""
from __future__ import annotations

from marshmallow import RAISE, fields, validate

from directory.model import PRECISION_ADDRESS, PRECISION_MUNICIPALITY

from .schema_base import FrenchSchema


class StrictSchema(FrenchSchema):
    class Meta:
        unknown = RAISE


def _nullable_string(description: str, **kwargs) -> fields.String:
    return fields.String(required=True, allow_none=True, metadata={"description": description}, **kwargs)


class CodedSchema(StrictSchema):
    code = fields.String(required=True, metadata={"description": "code de la nomenclature"})
    label = fields.String(required=True, metadata={"description": "libellé en français"})


class FacetEntrySchema(CodedSchema):
    count = fields.Integer(required=True, validate=validate.Range(min=0),
                           metadata={"description": "nombre de résultats (sur toutes les pages)"})


class NomenclatureEntrySchema(CodedSchema):
    count = fields.Integer(required=True, validate=validate.Range(min=0),
                           metadata={"description": "nombre de praticiens indexés"})


class AddressSchema(StrictSchema):
    line = _nullable_string("voie (numéro et rue)")
    postal_code = _nullable_string("code postal")
    commune = _nullable_string("nom de la commune")
    commune_code = _nullable_string("code commune INSEE")
    departement = _nullable_string("code département")


class LocationSchema(StrictSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    precision = fields.String(required=True, validate=validate.OneOf([PRECISION_ADDRESS, PRECISION_MUNICIPALITY]),
                              metadata={"description": "address : adresse géocodée ; municipality : centre de la commune"})


class PractitionerSchema(StrictSchema):
    """A practitioner at one place (the detail's shape, without ``distance_km``)."""

    id = fields.String(required=True, metadata={"description": "identifiant stable de ce praticien en ce lieu"})
    rpps = _nullable_string("numéro RPPS")
    civilite = _nullable_string("civilité (Dr, M., Mme…)")
    nom = fields.String(required=True)
    prenom = fields.String(required=True, allow_none=True)
    profession = fields.Nested(CodedSchema, required=True)
    specialties = fields.List(fields.Nested(CodedSchema), required=True)
    sector = fields.Nested(CodedSchema, required=True, allow_none=True,
                           metadata={"description": "secteur de convention, null s'il n'est pas connu"})
    optam = fields.Boolean(required=True, allow_none=True)
    carte_vitale = fields.Boolean(required=True, allow_none=True)
    mode = fields.String(required=True, allow_none=True, validate=validate.OneOf(["L", "S", "B"]),
                         metadata={"description": "mode d'exercice : L libéral, S salarié, B bénévole"})
    site_name = _nullable_string("nom du lieu d'exercice (cabinet, établissement)")
    address = fields.Nested(AddressSchema, required=True)
    phone = _nullable_string("téléphone")
    location = fields.Nested(LocationSchema, required=True)


class ResultSchema(PractitionerSchema):
    distance_km = fields.Float(required=True, allow_none=True, validate=validate.Range(min=0),
                               metadata={"description": "distance orthodromique au point cherché, null sans point"})


class DetailSchema(PractitionerSchema):
    other_places = fields.List(fields.Nested(PractitionerSchema), required=True,
                               metadata={"description": "les autres lieux d'exercice de la même personne"})


class FacetsSchema(StrictSchema):
    profession = fields.List(fields.Nested(FacetEntrySchema), required=True)
    specialty = fields.List(fields.Nested(FacetEntrySchema), required=True)
    sector = fields.List(fields.Nested(FacetEntrySchema), required=True)
    mode = fields.List(fields.Nested(FacetEntrySchema), required=True)
    optam = fields.List(fields.Nested(FacetEntrySchema), required=True)
    carte_vitale = fields.List(fields.Nested(FacetEntrySchema), required=True)


class _PagingFields(StrictSchema):
    total = fields.Integer(required=True, validate=validate.Range(min=0), metadata={"description": "nombre exact"})
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(1, 100))
    next_cursor = _nullable_string("jeton de la page suivante (paramètre cursor), null à la fin")
    facets = fields.Nested(FacetsSchema, required=True)


class PageSchema(_PagingFields):
    results = fields.List(fields.Nested(ResultSchema), required=True)


class PointGeometrySchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(["Point"]))
    coordinates = fields.List(fields.Float(), required=True, validate=validate.Length(equal=2),
                              metadata={"description": "[lon, lat] (RFC 7946)"})


class FeatureSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(["Feature"]))
    id = fields.String(required=True)
    geometry = fields.Nested(PointGeometrySchema, required=True)
    properties = fields.Nested(ResultSchema, required=True)


class FeatureCollectionSchema(_PagingFields):
    type = fields.String(required=True, validate=validate.OneOf(["FeatureCollection"]))
    features = fields.List(fields.Nested(FeatureSchema), required=True)


class HealthSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "degraded"]))
    backend = fields.String(required=True, validate=validate.OneOf(["sqlite", "elasticsearch"]))
    documents = fields.Integer(required=True, validate=validate.Range(min=0))
    data_date = _nullable_string("date des données indexées")
    demo = fields.Boolean(required=True, metadata={"description": "données de démonstration (synthétiques)"})


class ProblemSchema(StrictSchema):
    """An error (RFC 9457, ``application/problem+json``)."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True, metadata={"example": "Paramètres invalides"})
    status = fields.Integer(required=True, validate=validate.Range(400, 599))
    detail = fields.String(required=True, metadata={"description": "explication en français"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "messages par paramètre"})


# -- reference geography: /api/v1/places, /api/v1/cpam, /api/v1/cpam/nearest --------------------------

class PlaceSchema(StrictSchema):
    """A place suggestion for a location box."""

    type = fields.String(required=True, validate=validate.OneOf(["commune", "postal_code", "departement"]))
    code = fields.String(required=True, metadata={"description": "code INSEE, code postal ou code département"})
    label = fields.String(required=True, metadata={"example": "Lyon (69)"})
    postal_codes = fields.List(fields.String(), metadata={"description": "codes postaux (communes seulement)"})
    lat = fields.Float(required=True, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, allow_none=True, validate=validate.Range(-180, 180))


class PostalAddressSchema(StrictSchema):
    lines = fields.List(fields.String(), required=True)
    postal_code = _nullable_string("code postal")
    city = _nullable_string("localité (libellé d'acheminement)")


class PointSchema(StrictSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))


class CaisseSchema(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True, metadata={"example": "CPAM de Paris"})
    postal_address = fields.Nested(PostalAddressSchema, required=True)
    phone = _nullable_string("téléphone")


class AccueilSchema(StrictSchema):
    """A reception office of a caisse."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.Nested(PostalAddressSchema, required=True)
    location = fields.Nested(PointSchema, required=True, allow_none=True)
    distance_km = fields.Float(required=True, allow_none=True, validate=validate.Range(min=0))
    hours = _nullable_string("horaires d'ouverture")


class CaisseWithAccueilsSchema(CaisseSchema):
    accueils = fields.List(fields.Nested(AccueilSchema), required=True,
                           metadata={"description": "accueils de la caisse, le plus proche d'abord"})


class CommuneRefSchema(StrictSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class CpamSchema(StrictSchema):
    postal_code = _nullable_string("code postal demandé (null pour une recherche par commune ou par point)")
    communes = fields.List(fields.Nested(CommuneRefSchema), required=True)
    caisses = fields.List(fields.Nested(CaisseWithAccueilsSchema), required=True)
    approximate = fields.Boolean(required=True, metadata={"description": "caisse déduite plutôt que lue dans les données"})
    data_date = _nullable_string("date des données CPAM")


class NearestAccueilSchema(AccueilSchema):
    caisse = fields.Nested(CaisseSchema, required=True)


class NearestAccueilsSchema(StrictSchema):
    results = fields.List(fields.Nested(NearestAccueilSchema), required=True)
