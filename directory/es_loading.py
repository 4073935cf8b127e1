"""Loading Elasticsearch: a complete new versioned index, then one atomic alias swap.

``{alias}--{UTC time}-{pid}-{random}`` is created from ``es_mappings.json`` with refresh off and no
replica, filled by ``_bulk`` requests (NDJSON written here, 3 in flight), refreshed, given its replicas and its ``_meta``
(documents, data date, demo flag, ``state: complete``), then the alias moves to it in one
``_aliases`` call. Searches keep answering from the previous index until then; the previous index is
deleted only after the swap. A load that fails deletes its index; one that is killed leaves it
behind with ``state: loading``: the next load deletes it once its process is gone.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
from collections import deque
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from operator import attrgetter
from typing import Any, Iterable, Iterator

from .backend import ProgressCallback
from .es_queries import KEYED_FACETS, facet_key
from .model import IndexInfo, Practitioner
from .processes import process_alive
from .records import practitioner_to_dict
from .text_matching import search_fields

SCHEMA_VERSION = "2"  # 2: facet_key, cell and the index sort (an index of schema 1 has no facet_key: reload it)
CHUNK_SIZE = 2000
BULK_THREADS = 3
LOAD_TIMEOUT_S = 120
MERGE_TIMEOUT_S = 1800
STALE_AFTER = timedelta(hours=24)
"""A half-built index of another machine's load is deleted after this long."""
_keyed_facet_values = attrgetter(*KEYED_FACETS)


def schema_problem(alias: str, meta: dict[str, Any]) -> str | None:
    """Why the live index (its mapping's ``_meta``) cannot be read by this code, or ``None``."""
    version = str(meta.get("schema_version", "?"))
    if version == SCHEMA_VERSION:
        return None
    return (f"index Elasticsearch « {alias} » d'un autre format ({version}, attendu {SCHEMA_VERSION}) : "
            "rechargez-le avec « annuaire index »")


@cache
def index_definition() -> dict[str, Any]:
    """``es_mappings.json``: index settings and mappings, as data."""
    return json.loads(resources.files("directory").joinpath("es_mappings.json").read_text(encoding="utf-8"))


def document(practitioner: Practitioner) -> dict[str, Any]:
    """The indexed document: normalized search fields, filter keys, and the full record to rebuild it."""
    address, location = practitioner.address, practitioner.location
    return {
        "id": practitioner.id, "person_id": practitioner.person_id, "profession": practitioner.profession,
        "specialties": list(dict.fromkeys(practitioner.specialties)), "sector": practitioner.sector,
        "mode": practitioner.mode, "optam": practitioner.optam, "carte_vitale": practitioner.carte_vitale,
        "postal_code": address.postal_code, "commune_code": address.commune_code,
        "departement": address.departement, "location": {"lat": location.lat, "lon": location.lon},
        "facet_key": facet_key(_keyed_facet_values(practitioner)),
        "cell": spatial_cell(location.lat, location.lon),
        **search_fields(practitioner),
        "record": practitioner_to_dict(practitioner),
    }


def spatial_cell(lat: float, lon: float) -> int:
    """A Z-order (Morton) code of the point on a 2^21 × 2^21 grid (≈ 10 m): the index is sorted by profession
    then by it, so that the practitioners of a search lie in a few contiguous runs of documents."""
    y = min(int((lat + 90.0) / 180.0 * 2 ** 21), 2 ** 21 - 1)
    x = min(int((lon + 180.0) / 360.0 * 2 ** 21), 2 ** 21 - 1)
    return _spread_bits(x) | _spread_bits(y) << 1


def _spread_bits(value: int) -> int:
    """The bits of ``value`` (< 2^32) moved to even positions."""
    value = (value | value << 16) & 0x0000FFFF0000FFFF
    value = (value | value << 8) & 0x00FF00FF00FF00FF
    value = (value | value << 4) & 0x0F0F0F0F0F0F0F0F
    value = (value | value << 2) & 0x3333333333333333
    return (value | value << 1) & 0x5555555555555555


def versioned_name(alias: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S")
    return f"{alias}--{stamp}-{os.getpid()}-{secrets.token_hex(2)}"


def versioned_pattern(alias: str) -> re.Pattern:
    return re.compile(rf"{re.escape(alias)}--\d{{8}}t\d{{6}}-(\d+)-[0-9a-f]{{4}}")


def indices_of(client, alias: str) -> dict[str, dict]:
    """Every versioned index of ``alias``, with its settings, mappings and aliases."""
    found = client.options(ignore_status=404).indices.get(index=f"{alias}--*", expand_wildcards="open,closed")
    if found.meta.status == 404:
        return {}
    pattern = versioned_pattern(alias)
    return {name: body for name, body in dict(found).items() if pattern.fullmatch(name)}


def aliased_indices(client, alias: str) -> list[str]:
    response = client.options(ignore_status=404).indices.get_alias(name=alias)
    if response.meta.status == 404:
        return []
    return sorted(name for name, body in dict(response).items() if alias in body.get("aliases", {}))


def is_stale(body: dict, now: datetime) -> bool:
    """An index no alias points to that no running load will finish."""
    if body.get("aliases"):
        return False
    meta = body.get("mappings", {}).get("_meta", {})
    if meta.get("state") != "loading":
        return True  # complete but replaced (a load stopped between swap and delete), or foreign
    loader = meta.get("loader", {})
    if loader.get("host") == socket.gethostname() and str(loader.get("pid", "")).isdigit():
        return not process_alive(int(loader["pid"]))
    created = int(body.get("settings", {}).get("index", {}).get("creation_date", "0")) / 1000
    return now - datetime.fromtimestamp(created, timezone.utc) > STALE_AFTER


def remove_stale_indices(client, alias: str) -> list[str]:
    """Delete the half-built and replaced indices of ``alias`` left by loads that are gone."""
    now = datetime.now(timezone.utc)
    stale = sorted(name for name, body in indices_of(client, alias).items() if is_stale(body, now))
    delete_indices(client, stale)
    return stale


def delete_indices(client, names: Iterable[str]) -> None:
    """Delete the indices ``names``, one request each; one already gone is no error."""
    lenient = client.options(ignore_status=404)
    for name in names:
        lenient.indices.delete(index=name)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def bulk_chunks(index: str, practitioners: Iterable[Practitioner], size: int = CHUNK_SIZE) -> Iterator[tuple[bytes, int]]:
    """``_bulk`` bodies of ``size`` documents each (``create`` actions as NDJSON), with their counts.

    Serialized here with one reused encoder rather than action by action through the client's
    helpers: on 2 cores the loading process is half of the work, and this is half of its.
    """
    seen: set[str] = set()
    lines: list[str] = []
    encode = _ENCODER.encode
    prefix = '{"create":{"_index":' + encode(index) + ',"_id":'
    for practitioner in practitioners:
        if practitioner.id in seen:
            continue  # the first one wins, as in the SQLite backend
        seen.add(practitioner.id)
        lines.append(prefix + encode(practitioner.id) + "}}")
        lines.append(encode(document(practitioner)))
        if len(lines) >= 2 * size:
            yield ("\n".join(lines) + "\n").encode("utf-8"), len(lines) // 2
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode("utf-8"), len(lines) // 2


def send_bulk(client, body: bytes, count: int) -> int:
    """One ``_bulk`` request; its document count, or an error naming the first documents refused."""
    response = client.bulk(operations=body, filter_path="errors,items.*.error,items.*._id")
    if response.get("errors"):
        refused = [(item.get("_id"), item.get("error")) for entry in response["items"] for item in entry.values()
                   if item.get("error")]
        raise RuntimeError(f"{len(refused)} documents refusés par Elasticsearch, dont : {refused[:3]}")
    return count


def fill(client, index: str, practitioners: Iterable[Practitioner], on_progress: ProgressCallback | None) -> int:
    """Bulk-index ``practitioners`` into ``index``; the number of documents written.

    :data:`BULK_THREADS` bulk requests are in flight at once: the node indexes chunks on all its
    cores while the next one is being serialized (2 cores, 200k documents: 5,400 → 9,000 docs/s).
    """
    from concurrent.futures import ThreadPoolExecutor

    written, pending = 0, deque()
    with ThreadPoolExecutor(max_workers=BULK_THREADS, thread_name_prefix="es-bulk") as pool:
        try:
            for body, count in bulk_chunks(index, practitioners):
                pending.append(pool.submit(send_bulk, client, body, count))
                while len(pending) >= BULK_THREADS or (pending and pending[0].done()):
                    written += pending.popleft().result()
                    if on_progress is not None:
                        on_progress(written)
            while pending:
                written += pending.popleft().result()
                if on_progress is not None:
                    on_progress(written)
        finally:
            for future in pending:
                future.cancel()
    return written


def create_loading_index(client, alias: str) -> str:
    definition = index_definition()
    name = versioned_name(alias)
    settings = json.loads(json.dumps(definition["settings"]))
    # No fsync per bulk request while loading: a load that dies is thrown away and done again anyway.
    settings["index"].update({"number_of_replicas": 0, "refresh_interval": "-1", "translog.durability": "async"})
    mappings = dict(definition["mappings"])
    mappings["_meta"] = {**mappings.get("_meta", {}), "state": "loading",
                         "loader": {"host": socket.gethostname(), "pid": os.getpid(),
                                    "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}}
    client.indices.create(index=name, settings=settings, mappings=mappings)
    return name


def finish_index(client, name: str, info: IndexInfo, replicas: int) -> None:
    """Searchable, replicated as configured, described: ready to be swapped in."""
    client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None, "number_of_replicas": replicas,
                                                                "translog.durability": None}})
    client.indices.refresh(index=name)
    found = client.count(index=name)["count"]
    if found != info.documents:  # the translog was async during the load: a node restart may have lost some
        raise RuntimeError(f"index {name} : {found} documents au lieu de {info.documents}")
    client.options(request_timeout=MERGE_TIMEOUT_S, max_retries=0).indices.forcemerge(index=name, max_num_segments=1)
    client.indices.put_mapping(index=name, meta={
        "schema_version": SCHEMA_VERSION, "state": "complete", "documents": info.documents,
        "data_date": info.data_date, "demo": info.demo,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    client.cluster.health(index=name, wait_for_status="yellow", timeout=f"{LOAD_TIMEOUT_S}s")


def swap_alias(client, alias: str, name: str) -> list[str]:
    """Point ``alias`` at ``name`` alone, in one atomic step; the indices it pointed to before."""
    previous = aliased_indices(client, alias)
    actions = [{"add": {"index": name, "alias": alias}}]
    actions += [{"remove": {"index": old, "alias": alias, "must_exist": True}} for old in previous]
    client.indices.update_aliases(actions=actions)
    return previous


def load_index(client, alias: str, practitioners: Iterable[Practitioner], *, data_date: str | None, demo: bool,
               replicas: int = 0, on_progress: ProgressCallback | None = None) -> IndexInfo:
    """Build a complete new index of ``practitioners`` and make it the one ``alias`` names."""
    client = client.options(request_timeout=LOAD_TIMEOUT_S)
    remove_stale_indices(client, alias)
    name = create_loading_index(client, alias)
    try:
        written = fill(client, name, practitioners, on_progress)
        info = IndexInfo(documents=written, data_date=data_date, demo=demo)
        finish_index(client, name, info, replicas)
        previous = swap_alias(client, alias, name)
    except BaseException:
        try:
            client.options(ignore_status=404, request_timeout=10).indices.delete(index=name)
        except Exception:  # noqa: BLE001 - the next load removes it; the first error is the one to report
            pass
        raise
    delete_indices(client, previous)
    return info


def drop_all(client, alias: str) -> None:
    """Delete the alias and every versioned index of it (tests, decommissioning)."""
    delete_indices(client, sorted(indices_of(client, alias)))
