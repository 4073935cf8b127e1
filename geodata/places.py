"""Place suggestions for a location box (``GET /api/v1/places``): communes, postal codes, départements.

Matching uses :func:`directory.normalize.normalize_text`, so it ignores case, accents, hyphens
and apostrophes and reads ``St``/``Ste`` as ``Saint``/``Sainte``. Every token of the query must
be the prefix of a distinct token of a commune's name or of one of its postal codes
(``st eti`` → Saint-Étienne, ``lyon 69003``), or of a département's name. A query of digits
only matches the département with that code and the postal codes it begins; ``2A`` matches
Corse-du-Sud. When the query holds a digit, each matching commune brings its postal codes
(``paris 11`` → Paris 11e Arrondissement, then 75011).

Ranking: how well the name matches (:data:`EXACT` whole name, :data:`STARTS` the name starts
with the query, :data:`FIRST_WORD` the first word matches, :data:`ANYWHERE`), then communes
before départements before postal codes, then the larger population first. A leading article
(``Le Havre``) does not count against a match.

The index is built once. Entries are numbered in ranking order; a sorted token list searched
by bisection gives the entries of a prefix (cached), and a search walks them in ranking order,
stopping as soon as enough of the best tier are found: well under 5 ms a query.
"""
from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from directory.normalize import normalize_text
from geodata.communes import Commune
from geodata.departements import Departement

COMMUNE, DEPARTEMENT, POSTAL_CODE = "commune", "departement", "postal_code"
_TYPE_ORDER = {COMMUNE: 0, DEPARTEMENT: 1, POSTAL_CODE: 2}
_ARTICLES = frozenset({"le", "la", "les", "l"})
EXACT, STARTS, FIRST_WORD, ANYWHERE = range(4)
# A query looks at this many candidates at most, largest places first: enough for any name a
# person types, and a bound on the time a vague query (``a b``) takes.
MAX_CANDIDATES = 2000

Tokens = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Place:
    """One suggestion, serialized as the contract's ``/api/v1/places`` object by :meth:`to_dict`."""

    type: str
    code: str
    label: str
    lat: float
    lon: float
    postal_codes: tuple[str, ...] | None = None
    population: int = 0

    def to_dict(self) -> dict:
        body = {"type": self.type, "code": self.code, "label": self.label}
        if self.postal_codes is not None:
            body["postal_codes"] = list(self.postal_codes)
        body.update(lat=self.lat, lon=self.lon)
        return body

    @property
    def rank(self) -> tuple:
        return _TYPE_ORDER[self.type], -self.population, self.code


def commune_place(commune: Commune) -> Place:
    return Place(COMMUNE, commune.code, f"{commune.name} ({commune.departement})", commune.lat, commune.lon,
                 postal_codes=commune.postal_codes, population=commune.population)


def departement_place(departement: Departement) -> Place:
    return Place(DEPARTEMENT, departement.code, f"{departement.name} ({departement.code})",
                 departement.lat, departement.lon)


def postal_code_place(code: str, communes: Sequence[Commune]) -> Place | None:
    """``69003 Lyon 3e Arrondissement``, or ``05110 La Saulce et 7 autres communes``, at the
    centre of its largest commune; ``None`` when none of its communes has a centre."""
    located = [commune for commune in communes if commune.lat is not None and commune.lon is not None]
    if not located:
        return None
    largest = max(located, key=lambda commune: (commune.population, commune.code))
    others = len(communes) - 1
    label = f"{code} {largest.name}"
    if others:
        plural = "s" if others > 1 else ""
        label += f" et {others} autre{plural} commune{plural}"
    return Place(POSTAL_CODE, code, label, largest.lat, largest.lon,
                 population=sum(commune.population for commune in communes))


def _without_article(tokens: Tokens) -> Tokens:
    return tokens[1:] if len(tokens) > 1 and tokens[0] in _ARTICLES else tokens


def _all_match(longest_first: Sequence[str], tokens: Tokens) -> bool:
    """Every query token is the prefix of a distinct token (longest query tokens placed first)."""
    free = list(tokens)
    for token in longest_first:
        for j, candidate in enumerate(free):
            if candidate.startswith(token):
                free[j] = ""
                break
        else:
            return False
    return True


def _quality(query: Tokens, name: Tokens) -> int:
    """How well a name that matches the query matches it (lower is better)."""
    short = _without_article(name)
    if query == name or query == short:
        return EXACT
    for candidate in (name, short):
        if len(query) <= len(candidate) and all(n.startswith(q) for q, n in zip(query, candidate)):
            return STARTS
    return FIRST_WORD if name[0].startswith(query[0]) or short[0].startswith(query[0]) else ANYWHERE


class _PrefixIndex:
    """Entry numbers by token, found by prefix: a sorted token list and bisection."""

    def __init__(self, tokens_by_entry: Iterable[Iterable[str]]):
        by_token: defaultdict[str, list[int]] = defaultdict(list)
        for entry, tokens in enumerate(tokens_by_entry):
            for token in tokens:
                by_token[token].append(entry)  # twice for "Saint-Martin-de-Saint-Maixent": see below
        self._tokens = sorted(by_token)
        self._entries = [by_token[token] for token in self._tokens]
        self.sorted_entries = functools.lru_cache(maxsize=2048)(self._sorted_entries)

    def _sorted_entries(self, prefix: str) -> tuple[int, ...]:
        start = bisect.bisect_left(self._tokens, prefix)
        end = bisect.bisect_left(self._tokens, prefix + "\uffff", start)
        return tuple(sorted({entry for entries in self._entries[start:end] for entry in entries}))


class _NameIndex:
    """Named things numbered in ranking order, searchable by token prefixes.

    ``items``, their normalized ``names`` and ``extras`` (more searchable tokens: a commune's
    postal codes) are given in ranking order, best first. Token tuples are not kept: a name is
    split again when a query looks at it, which costs less than holding tens of thousands.
    """

    def __init__(self, items: Sequence, names: Sequence[str], extras: Sequence[Tokens]):
        self.items, self.names, self.extras = list(items), list(names), list(extras)
        split_names = [name.split() for name in self.names]
        self._all = _PrefixIndex(tokens + list(extra) for tokens, extra in zip(split_names, self.extras))
        self._leading = _PrefixIndex(tokens[:2] if tokens[0] in _ARTICLES else tokens[:1] for tokens in split_names)
        self._exact: dict[str, list[int]] = {}
        for number, tokens in enumerate(split_names):
            self._exact.setdefault(self.names[number], []).append(number)
            if tokens[0] in _ARTICLES and len(tokens) > 1:
                self._exact.setdefault(" ".join(tokens[1:]), []).append(number)

    def search(self, query: Tokens, limit: int) -> list[tuple[int, object]]:
        """The best ``limit`` (quality, item), best first."""
        longest_first = sorted(query, key=len, reverse=True)
        found = [(EXACT, number) for number in self._exact.get(" ".join(query), ())]
        seen = {number for _, number in found}
        # candidates: the entries of the rarest query token (tokens of one letter are only checked,
        # their candidate lists being most of the index)
        informative = [token for token in set(query) if len(token) > 1] or longest_first[:1]
        rarest = min((self._all.sorted_entries(token) for token in informative), key=len)
        if len(query) == 1:
            # first the names whose first word matches (all STARTS), then matches anywhere (ANYWHERE)
            walks = ((self._leading.sorted_entries(query[0]), STARTS), (rarest, ANYWHERE))
        else:
            walks = ((rarest, STARTS),)
        # a cheap substring test rules out most candidates before the exact token matching
        needles = [" " + token for token in query if not token[0].isdigit()]
        enough = len(found)  # entries found that no later one can outrank
        budget = MAX_CANDIDATES
        for walk, unbeatable in walks:
            for number in walk:
                budget -= 1
                if enough >= limit or budget < 0:
                    break
                spaced = " " + self.names[number]
                if number in seen or not all(needle in spaced for needle in needles):
                    continue
                name = tuple(self.names[number].split())
                if _all_match(longest_first, name + self.extras[number]):
                    seen.add(number)
                    quality = _quality(query, name)
                    found.append((quality, number))
                    enough += quality <= unbeatable
        found.sort()
        return [(quality, self.items[number]) for quality, number in found[:limit]]


class PlaceIndex:
    """Suggestions over communes (with a centre), postal codes and départements."""

    def __init__(self, communes: Iterable[Commune], search_names: Mapping[str, str],
                 departements: Iterable[Departement], postal_codes: Iterable[str],
                 communes_for_postal_code: Callable[[str], Sequence[Commune]]):
        """``search_names``: ``normalize_text(commune.name)`` by commune code (precomputed)."""
        # ranking order: communes, larger first (then by code), then départements
        located = sorted((c for c in communes if c.lat is not None and c.lon is not None),
                         key=lambda commune: -commune.population)  # stable: ties stay in code order
        departements = sorted(departements, key=lambda departement: departement.code)
        self._names = _NameIndex(located + departements,
                                 [search_names[c.code] for c in located] + [normalize_text(d.name) for d in departements],
                                 [c.postal_codes for c in located] + [()] * len(departements))
        self._departements = {d.code.lower(): d for d in departements}
        self._postal_codes = sorted(postal_codes)
        self._communes_for_postal_code = communes_for_postal_code

    def suggest(self, q: str, limit: int = 10) -> list[Place]:
        """At most ``limit`` places matching ``q``, best first (see the module documentation)."""
        query = tuple(normalize_text(q).split())
        if not query or limit < 1:
            return []
        if len(query) == 1 and query[0].isdigit():
            return list(self._by_code(query[0], limit))
        ranked: list[tuple[int, Place]] = []
        if len(query) == 1 and query[0] in self._departements:  # "2a"
            ranked.append((EXACT, departement_place(self._departements[query[0]])))
        with_digits = any(ch.isdigit() for ch in "".join(query))
        for quality, item in self._names.search(query, limit):
            if isinstance(item, Departement):
                ranked.append((quality, departement_place(item)))
                continue
            ranked.append((quality, commune_place(item)))
            if with_digits:
                ranked += [(quality, place) for place in self._postal_places_of(item, query)]
        ranked.sort(key=lambda item: (item[0], item[1].rank))
        return _unique(place for _, place in ranked)[:limit]

    def _postal_places_of(self, commune: Commune, query: Tokens) -> Iterator[Place]:
        """The postal codes of a commune that the query names, or its only one."""
        named = [code for code in commune.postal_codes if any(code.startswith(token) for token in query)]
        for code in named or (commune.postal_codes if len(commune.postal_codes) == 1 else ()):
            place = self._postal_place(code)
            if place:
                yield place

    def _postal_place(self, code: str) -> Place | None:
        return postal_code_place(code, self._communes_for_postal_code(code))

    def _by_code(self, digits: str, limit: int) -> Iterator[Place]:
        """A number: the département with that code, then postal codes by prefix, in code order."""
        if digits in self._departements:
            yield departement_place(self._departements[digits])
            limit -= 1
        start = bisect.bisect_left(self._postal_codes, digits)
        for code in self._postal_codes[start:]:
            if limit <= 0 or not code.startswith(digits):
                break
            place = self._postal_place(code)
            if place:
                yield place
                limit -= 1


def _unique(places: Iterable[Place]) -> list[Place]:
    seen, unique = set(), []
    for place in places:
        if (place.type, place.code) not in seen:
            seen.add((place.type, place.code))
            unique.append(place)
    return unique
