#!/usr/bin/env bash
# Load test of the HTML site: the real binary (`civiscope serve`) on a
# database it bootstraps itself (INSEE register, reviewed tools, shipped
# real adoptions) plus the search index, hit by wrk from a second process.
# Prints
#   LoadWebToolPage <n> req/s <p50> p50-ms <p99> p99-ms     (target ≥ 2,000 req/s)
#   LoadWebSearchPage …  LoadWebTerritoryPage …
# Knobs: DURATION (default 15s), CONNECTIONS (default 32), THREADS (default 1:
# wrk shares the 2 cores with the server and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."

. scripts/lib/load.sh
port=${WEB_LOAD_PORT:-18485}
ensure_wrk "web load"
url=$(load_database civiscope_load_web)
start_server "web load" "$port" "$url"
DATABASE_URL=$url go run ./scripts/load/webseed

# The most adopted tool, so the page carries a full adopters table and map.
tool=$(psql "$url" -qtAc "SELECT t.slug FROM tool t JOIN adoption a ON a.tool_id = t.id GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1")
[ -n "$tool" ] || tool=decidim

# load NAME PATH runs wrk and prints the summary line.
load() {
	local size
	size=$(curl -fs "http://127.0.0.1:$port$2" | wc -c)
	echo "web load: $1 $2 ($size bytes)" >&2
	measure "web load" "$1" "http://127.0.0.1:$port$2"
}

load LoadWebToolPage "/outils/$tool"
load LoadWebSearchPage "/recherche?q=budget+participatif&type=tool"
load LoadWebTerritoryPage "/territoires/commune/33063"
