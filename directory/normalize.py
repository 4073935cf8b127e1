"""The one text normalization used everywhere: indexing, querying, both backends, place search.

``normalize_text("Saint-Étienne")`` and ``normalize_text("st etienne")`` both give
``"saint etienne"``: lower case, no accents, ligatures spelt out, every character
that is not a letter or a digit turned into a space, ``St``/``Ste`` expanded.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize_text(text: str | None) -> str:
    """Return ``text`` folded for matching: ``"Cœur-de-l'Île St-Jean"`` → ``"coeur de l ile saint jean"``."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    without_marks = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    tokens = _NOT_ALNUM.sub(" ", without_marks).split()
    return " ".join(_ABBREVIATIONS.get(token, token) for token in tokens)


def normalized_tokens(text: str | None) -> list[str]:
    """The tokens of ``normalize_text(text)``, in order."""
    return normalize_text(text).split()
