#!/usr/bin/env bash
# Refreshes the shipped INSEE register snapshot from the npm registry. The
# tarball is kept as published so its integrity can be checked against npm.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-6.0.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@etalab/decoupage-administratif@$version" >/dev/null)
rm -f data/cog/etalab-decoupage-administratif-*.tgz
cp "$tmp"/etalab-decoupage-administratif-"$version".tgz data/cog/
echo "data/cog/etalab-decoupage-administratif-$version.tgz: $(npm view "@etalab/decoupage-administratif@$version" dist.integrity)"
echo "If the version changed, update data.COGSnapshot and data.COGVintage in data/data.go."
