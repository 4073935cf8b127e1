#!/usr/bin/env bash
# Fetches the third-party files the pages and the browser tests use, at exact versions, from the
# npm registry (`npm pack`), checks each tarball against its recorded sha512, and copies only the
# files needed, with their licence:
#   Leaflet  → frontend/vendor/leaflet-<version>/      (served at /vendor/leaflet-<version>/…)
#   axe-core → tests/browser/vendor/axe-core-<version>/ (injected by the browser tests)
# The copies are committed; run this again only to change a version (then update the version
# in frontend/pages.py and tests/browser/conftest.py, and the sha512 below).
set -euo pipefail
cd "$(dirname "$0")/.."

LEAFLET_VERSION=1.9.4
LEAFLET_SHA512="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
AXE_VERSION=4.11.0
AXE_SHA512="sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+cfnZbQIjAlJmF1jQ=="

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION SHA512 → extracted into $work/NAME/package
    local name=$1 version=$2 expected=$3 tarball actual
    tarball=$(cd "$work" && npm pack --silent "$name@$version")
    actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
    if [[ $actual != "$expected" ]]; then
        echo "vendor_frontend: empreinte inattendue pour $name@$version ($actual)" >&2
        exit 1
    fi
    mkdir -p "$work/$name"
    tar -xzf "$work/$tarball" -C "$work/$name"
}

fetch leaflet "$LEAFLET_VERSION" "$LEAFLET_SHA512"
dest=frontend/vendor/leaflet-$LEAFLET_VERSION
rm -rf "$dest" && mkdir -p "$dest/images"
cp "$work/leaflet/package/dist/leaflet.js" "$work/leaflet/package/dist/leaflet.css" \
   "$work/leaflet/package/LICENSE" "$dest/"
cp "$work/leaflet/package/dist/images/"*.png "$dest/images/"

fetch axe-core "$AXE_VERSION" "$AXE_SHA512"
dest=tests/browser/vendor/axe-core-$AXE_VERSION
rm -rf "$dest" && mkdir -p "$dest"
cp "$work/axe-core/package/axe.min.js" "$work/axe-core/package/LICENSE" "$dest/"

echo "vendor_frontend: leaflet $LEAFLET_VERSION, axe-core $AXE_VERSION copiés"
