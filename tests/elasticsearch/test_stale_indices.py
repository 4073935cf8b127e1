"""Which leftover indices a load deletes (pure: no node needed)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from directory.es_loading import is_stale, versioned_name, versioned_pattern

NOW = datetime(2026, 10, 8, 12, 0, tzinfo=timezone.utc)


def body(*, state="loading", host=None, pid=None, created=NOW, aliases=None):
    meta = {"state": state, "loader": {"host": host or socket.gethostname(), "pid": pid or os.getpid()}}
    return {"aliases": aliases or {}, "mappings": {"_meta": meta},
            "settings": {"index": {"creation_date": str(int(created.timestamp() * 1000))}}}


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_live_index_is_never_stale():
    assert not is_stale(body(state="complete", aliases={"annuaire": {}}), NOW)


def test_a_replaced_complete_index_is_stale():
    assert is_stale(body(state="complete"), NOW)


def test_a_load_of_this_machine_is_stale_once_its_process_is_gone():
    assert not is_stale(body(pid=os.getpid()), NOW)
    assert is_stale(body(pid=dead_pid()), NOW)


def test_a_load_of_another_machine_is_stale_after_a_day():
    assert not is_stale(body(host="elsewhere", created=NOW - timedelta(hours=2)), NOW)
    assert is_stale(body(host="elsewhere", created=NOW - timedelta(hours=25)), NOW)


def test_versioned_names_belong_to_their_alias_only():
    name = versioned_name("annuaire")
    assert versioned_pattern("annuaire").fullmatch(name)
    assert not versioned_pattern("annuaire").fullmatch(versioned_name("annuaire--x"))
    assert not versioned_pattern("annuai").fullmatch(name)
