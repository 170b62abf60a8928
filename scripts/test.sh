#!/usr/bin/env bash
# `make test`: formatting and vet checks, then every test package against a
# real PostgreSQL (and real Chromium for browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.pg/*'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

echo "== go vet"
go vet ./...

if [ -z "${CIVISCOPE_TEST_DATABASE_URL:-}" ]; then
	echo "== PostgreSQL"
	CIVISCOPE_TEST_DATABASE_URL=$(scripts/pg.sh start)
	export CIVISCOPE_TEST_DATABASE_URL
fi

# The browser tests fetch the pinned axe-core with `npm pack`.
. scripts/lib/apt.sh
echo "== npm"
ensure_cmd npm npm

if [ -x scripts/browser.sh ]; then
	echo "== Chromium"
	CIVISCOPE_CHROMIUM=$(scripts/browser.sh)
	export CIVISCOPE_CHROMIUM
fi

if [ -x scripts/stattools.sh ]; then
	echo "== GLPK, PSPP, R (barometer auditor and file readers)"
	scripts/stattools.sh
fi

if [ -z "${MEILI_URL:-}" ]; then
	echo "== Meilisearch: MEILI_URL is not set, so the search contract runs against PostgreSQL only;"
	echo "   search/meili is checked against a local stand-in, not a real Meilisearch (README: Search)"
fi

# A fresh template per run, so a changed importer never meets a stale one.
export CIVISCOPE_TEST_RUN=${CIVISCOPE_TEST_RUN:-$(date +%s)}
echo "== go test"
go test -count=1 -timeout 14m "$@" ./...
