#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the browser tests (they drive /usr/bin/chromium
# through Playwright; Playwright's own browser download is not used). Idempotent and quiet:
# does nothing when chromium is already there. Exits non-zero, with a message, on failure.
set -uo pipefail
CHROMIUM=${ANNUAIRE_CHROMIUM:-/usr/bin/chromium}

if [[ -x $CHROMIUM ]]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM est absent et apt-get n'est pas disponible ; installez chromium (paquet Debian « chromium »)" >&2
    exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
        echo "ensure_chromium: droits root nécessaires pour installer chromium (apt-get install chromium)" >&2
        exit 1
    fi
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "ensure_chromium: l'installation de chromium par apt-get a échoué" >&2
    exit 1
fi
if [[ ! -x $CHROMIUM ]]; then
    echo "ensure_chromium: chromium installé mais $CHROMIUM est introuvable" >&2
    exit 1
fi
