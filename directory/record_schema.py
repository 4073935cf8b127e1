"""Validation of a practitioner record (the project's JSON Lines format) into the model."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates

from .model import PRECISION_ADDRESS, PRECISION_MUNICIPALITY, Address, Location, Practitioner
from .nomenclatures import modes, professions, sectors, specialties

POSTAL_CODE = validate.Regexp(r"^\d{5}$", error="code postal invalide (5 chiffres attendus)")
COMMUNE_CODE = validate.Regexp(r"^(\d{5}|2[AB]\d{3})$", error="code commune INSEE invalide")


def _one_of(code_list, what: str):
    return validate.OneOf(code_list.allowed(), error=f"{what} inconnu : {{input}}")


class AddressSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    line = fields.String(load_default=None, allow_none=True)
    postal_code = fields.String(load_default=None, allow_none=True, validate=POSTAL_CODE)
    commune = fields.String(load_default=None, allow_none=True)
    commune_code = fields.String(load_default=None, allow_none=True, validate=COMMUNE_CODE)
    departement = fields.String(load_default=None, allow_none=True)

    @post_load
    def make(self, data, **_):
        return Address(**data)


class LocationSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    precision = fields.String(load_default=PRECISION_MUNICIPALITY,
                              validate=validate.OneOf([PRECISION_ADDRESS, PRECISION_MUNICIPALITY]))

    @post_load
    def make(self, data, **_):
        return Location(**data)


class PractitionerRecordSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    rpps = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{11}$"))
    civilite = fields.String(load_default=None, allow_none=True)
    nom = fields.String(required=True)
    prenom = fields.String(load_default=None, allow_none=True)
    profession = fields.String(required=True)
    specialties = fields.List(fields.String(), load_default=list)
    sector = fields.String(load_default=None, allow_none=True)
    optam = fields.Boolean(load_default=None, allow_none=True)
    carte_vitale = fields.Boolean(load_default=None, allow_none=True)
    mode = fields.String(load_default=None, allow_none=True)
    site_name = fields.String(load_default=None, allow_none=True)
    address = fields.Nested(AddressSchema, required=True)
    phone = fields.String(load_default=None, allow_none=True)
    location = fields.Nested(LocationSchema, required=True)

    @validates("nom")
    def _name_not_empty(self, value, **_):
        if not value.strip():
            raise ValidationError("nom vide")

    @validates("profession")
    def _known_profession(self, value, **_):
        _one_of(professions(), "code profession")(value)

    @validates("specialties")
    def _known_specialties(self, value, **_):
        for code in value:
            _one_of(specialties(), "code spécialité")(code)

    @validates("sector")
    def _known_sector(self, value, **_):
        if value is not None:
            _one_of(sectors(), "secteur")(value)

    @validates("mode")
    def _known_mode(self, value, **_):
        if value is not None:
            _one_of(modes(), "mode d'exercice")(value)

    @post_load
    def make(self, data, **_):
        data["specialties"] = tuple(data["specialties"])
        return Practitioner(**data)


def first_error(messages) -> str:
    """A one-line French summary of a marshmallow error dict: ``"profession: code profession inconnu : 99"``."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        inner = first_error(value)
        return inner if isinstance(key, int) else f"{key}: {inner}"
    if isinstance(messages, list) and messages:
        return first_error(messages[0])
    return str(messages)
