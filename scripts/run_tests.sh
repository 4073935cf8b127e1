#!/usr/bin/env bash
# The whole test suite, as `make test` runs it: starts a local Elasticsearch node (unless
# ANNUAIRE_TEST_ES_URL names one), makes sure Debian's chromium is there for the browser tests,
# runs pytest, stops what it started. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
ES_NODE=annuaire-test
started_es=""

cleanup() {
    if [[ -n $started_es ]]; then bash scripts/elasticsearch.sh stop --name "$ES_NODE" >&2 || true; fi
}
trap cleanup EXIT

if [[ -z ${ANNUAIRE_TEST_ES_URL:-} ]]; then
    if url=$(bash scripts/elasticsearch.sh start --name "$ES_NODE" --http-port 9250 --transport-port 9350); then
        export ANNUAIRE_TEST_ES_URL=$url
        started_es=1
    else
        echo "run_tests: Elasticsearch n'a pas démarré ; les tests qui en ont besoin vont échouer" >&2
    fi
fi

if [[ -x scripts/ensure_chromium.sh ]]; then
    bash scripts/ensure_chromium.sh || echo "run_tests: chromium indisponible ; les tests navigateur vont échouer" >&2
fi

"$BIN/python" -m pytest "$@"
code=$?
if [[ $code -eq 5 ]]; then
    echo "run_tests: aucun test n'a été exécuté : c'est un échec" >&2
    code=1
fi
exit $code
