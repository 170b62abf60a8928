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

duration=${DURATION:-15s}
conns=${CONNECTIONS:-32}
threads=${THREADS:-1}
port=${WEB_LOAD_PORT:-18485}

if ! command -v wrk >/dev/null; then
	echo "web load: wrk is missing: installing it with apt-get" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

base=${CIVISCOPE_TEST_DATABASE_URL:-$(scripts/pg.sh start)}
dbname=civiscope_load_web
psql "$base" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1 ||
	psql "$base" -qc "CREATE DATABASE $dbname" >/dev/null
url=$(printf '%s' "$base" | sed -E "s#/[^/?]+(\?|$)#/$dbname\1#")

bin=${CIVISCOPE_BIN:-bin/civiscope}
[ -n "${CIVISCOPE_BIN:-}" ] || go build -o "$bin" ./cmd/civiscope

log=$(mktemp)
DATABASE_URL=$url LISTEN_ADDR=127.0.0.1:$port LOG_LEVEL=warn "$bin" serve >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.2
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "web load: the server did not start:" >&2; cat "$log" >&2; exit 1; }
DATABASE_URL=$url go run ./scripts/load/webseed

# The most adopted tool, so the page carries a full adopters table and map.
tool=$(psql "$url" -qtAc "SELECT t.slug FROM tool t JOIN adoption a ON a.tool_id = t.id GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1")
[ -n "$tool" ] || tool=decidim

# load NAME PATH runs wrk and prints the summary line.
load() {
	local name=$1 path=$2 out
	size=$(curl -fs "http://127.0.0.1:$port$path" | wc -c)
	echo "web load: $name $path ($size bytes)" >&2
	out=$(wrk -t"$threads" -c"$conns" -d"$duration" --latency "http://127.0.0.1:$port$path")
	echo "$out" >&2
	echo "$out" | awk -v name="$name" '
		function ms(v) {
			if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
			if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
			if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
			return v
		}
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		END {
			if (bad > 0) { printf "web load: %s had %d non-2xx answers\n", name, bad > "/dev/stderr"; exit 1 }
			printf "%s %d req/s %.2f p50-ms %.2f p99-ms\n", name, rps, p50, p99
		}'
}

load LoadWebToolPage "/outils/$tool"
load LoadWebSearchPage "/recherche?q=budget+participatif&type=tool"
load LoadWebTerritoryPage "/territoires/commune/33063"
