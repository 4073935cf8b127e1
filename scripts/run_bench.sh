#!/usr/bin/env bash
# `make bench`: installs what the benchmark needs (numpy, matplotlib, Debian's wrk), starts a local
# Elasticsearch node for it when asked, runs `python -m bench.run`, stops the node.
#   BENCH_SIZE (1000000), BENCH_QUERIES (1000), BENCH_BACKENDS (sqlite,elasticsearch)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
SIZE=${BENCH_SIZE:-1000000}
QUERIES=${BENCH_QUERIES:-1000}
BACKENDS=${BENCH_BACKENDS:-sqlite,elasticsearch}
NODE=annuaire-bench
started=""
cleanup() { if [[ -n $started ]]; then bash scripts/elasticsearch.sh stop --name "$NODE" >&2 || true; fi; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
    echo "run_bench: wrk indisponible, charge HTTP générée en Python" >&2
if [[ $BACKENDS == *elasticsearch* && -z ${ANNUAIRE_BENCH_ES_URL:-} ]]; then
    export ANNUAIRE_ES_HEAP=${ANNUAIRE_ES_HEAP:-2g}
    ANNUAIRE_BENCH_ES_URL=$(bash scripts/elasticsearch.sh start --name "$NODE" --http-port 9270 --transport-port 9370)
    export ANNUAIRE_BENCH_ES_URL
    started=1
fi
"$BIN/python" -m bench.run --size "$SIZE" --queries "$QUERIES" --backends "$BACKENDS" "$@"
