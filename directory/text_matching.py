"""What free text matches, and how well: the same rules for both backends.

A query matches a practitioner when every query token is the prefix of a token of the name,
the first name or the labels (profession, specialties and their common names). Relevance is the
sum, over query tokens, of the best field each token matches: name 3, first name 2, labels 1.
Both backends compute exactly this integer, then break ties by name, first name and id.
"""
from __future__ import annotations

from functools import lru_cache

from .model import Practitioner
from .nomenclatures import professions, specialties
from .normalize import normalize_text, normalized_tokens

MAX_QUERY_TOKENS = 8

FIELD_WEIGHTS = (("nom", 3), ("prenom", 2), ("labels", 1))

# Words people type that the official labels do not contain (normalized).
KEYWORDS = {
    "10": "docteur", "21": "pharmacie", "40": "dentiste", "50": "maieuticien", "60": "infirmiere",
    "70": "kine kinesitherapeute", "80": "podologue pedicure", "91": "orthophonie", "92": "orthoptie",
    "SM54": "generaliste", "SM53": "generaliste", "SM26": "generaliste", "SM40": "pediatre",
    "SM38": "ophtalmologue ophtalmologiste", "SM15": "dermatologue", "SM04": "cardiologue",
    "SM73": "cardiologue", "SM20": "gynecologue", "SM19": "gynecologue", "SM42": "psychiatre",
    "SM43": "pedopsychiatre", "SM39": "orl", "SM34": "orl", "SM02": "anesthesiste", "SM44": "radiologue",
    "SM74": "radiologue", "SM48": "rhumatologue", "SM32": "neurologue", "SM41": "pneumologue",
    "SM24": "gastro enterologue", "SM16": "endocrinologue", "SM62": "endocrinologue diabetologue",
    "SM30": "nephrologue", "SM12": "urologue", "SM08": "orthopediste", "SM18": "geriatre",
    "SM57": "allergologue", "SM61": "angiologue",
}


def labels_text(practitioner: Practitioner) -> str:
    """Normalized labels a practitioner is found by: profession, specialties, their common names."""
    return _labels_for(practitioner.profession, practitioner.specialties)


@lru_cache(maxsize=4096)
def _labels_for(profession: str, specialty_codes: tuple[str, ...]) -> str:
    parts = [professions().label(profession) or "", KEYWORDS.get(profession, "")]
    for code in specialty_codes:
        parts += [specialties().label(code) or "", KEYWORDS.get(code, "")]
    return normalize_text(" ".join(parts))


_normalize_name = lru_cache(maxsize=65536)(normalize_text)


def search_fields(practitioner: Practitioner) -> dict[str, str]:
    """The normalized text fields, as indexed by both backends."""
    return {"nom": _normalize_name(practitioner.nom), "prenom": _normalize_name(practitioner.prenom),
            "labels": labels_text(practitioner)}


def query_tokens(text: str | None) -> list[str]:
    """The distinct normalized tokens of a query, at most :data:`MAX_QUERY_TOKENS`, in order."""
    return list(dict.fromkeys(normalized_tokens(text)))[:MAX_QUERY_TOKENS]


def relevance(tokens: list[str], fields: dict[str, str]) -> int:
    """The relevance score of a document's ``fields`` for ``tokens`` (0 if some token matches nothing)."""
    total = 0
    for token in tokens:
        best = max((weight for name, weight in FIELD_WEIGHTS
                    if any(word.startswith(token) for word in fields[name].split())), default=0)
        if best == 0:
            return 0
        total += best
    return total
