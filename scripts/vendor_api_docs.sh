#!/usr/bin/env bash
# Fetch the API documentation viewer (Swagger UI) from the npm registry at an exact version and
# copy the few files /api/docs needs into api/docs_static/vendor/. No CDN at run time.
#   bash scripts/vendor_api_docs.sh            # the pinned version below
#   SWAGGER_UI_VERSION=5.x.y bash scripts/vendor_api_docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=swagger-ui-dist
VERSION=${SWAGGER_UI_VERSION:-5.35.0}
DEST=api/docs_static/vendor
FILES=(swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tar -xzf "$work/$PACKAGE-$VERSION.tgz" -C "$work"
mkdir -p "$DEST"
for file in "${FILES[@]}"; do
    if [[ -f $work/package/$file ]]; then cp "$work/package/$file" "$DEST/$file"; fi
done
# Both files end with a source-map comment naming a file we do not ship.
sed -i -e 's|//# sourceMappingURL=[^ ]*$||' "$DEST/swagger-ui-bundle.js"
sed -i -e 's|/\*# sourceMappingURL=[^*]*\*/||' "$DEST/swagger-ui.css"
printf '%s@%s\n' "$PACKAGE" "$VERSION" > "$DEST/VERSION"
echo "vendored $PACKAGE@$VERSION into $DEST: ${FILES[*]}"
