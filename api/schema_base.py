"""A marshmallow base schema whose error messages are in French.

marshmallow's own messages are English ("Not a valid integer."); every message a person can
read must be French, so each field bound to a :class:`FrenchSchema` has its default messages
replaced (messages given explicitly on a field are kept).
"""
from __future__ import annotations

from marshmallow import Schema

FRENCH_MESSAGES = {
    "Missing data for required field.": "paramètre obligatoire",
    "Field may not be null.": "ne peut être vide",
    "Invalid value.": "valeur invalide",
    "Not a valid string.": "doit être une chaîne de caractères",
    "Not a valid utf-8 string.": "doit être du texte UTF-8 valide",
    "Not a valid integer.": "doit être un nombre entier",
    "Not a valid number.": "doit être un nombre",
    "Number too large.": "nombre trop grand",
    "Special numeric values (nan or infinity) are not permitted.": "doit être un nombre fini",
    "Not a valid boolean.": "doit valoir true ou false",
    "Not a valid list.": "doit être une liste",
    "Not a valid mapping type.": "doit être un objet",
    "Not a valid datetime.": "doit être une date et heure ISO 8601",
    "Not a valid date.": "doit être une date ISO 8601 (AAAA-MM-JJ)",
    "Unknown field.": "paramètre inconnu",
    "Invalid input type.": "type de donnée invalide",
}


def _translate(field) -> None:
    field.error_messages = {key: FRENCH_MESSAGES.get(message, message) if isinstance(message, str) else message
                            for key, message in field.error_messages.items()}
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None), getattr(field, "key_field", None)):
        if inner is not None:
            _translate(inner)


class FrenchSchema(Schema):
    """Base class of the API's schemas: French error messages everywhere."""

    error_messages = {"unknown": "paramètre inconnu", "type": "type de donnée invalide"}

    def on_bind_field(self, field_name, field_obj) -> None:
        _translate(field_obj)


def flat_messages(messages) -> dict[str, list[str]]:
    """marshmallow's nested ``normalized_messages()`` → ``{field: [message, …]}`` (list items merged)."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = str(key) if key != "_schema" else "_schema"
        flat.setdefault(name, []).extend(_leaves(value))
    return flat


def _leaves(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [message for inner in value.values() for message in _leaves(inner)]
    if isinstance(value, (list, tuple)):
        return [message for inner in value for message in _leaves(inner)]
    return [str(value)]
