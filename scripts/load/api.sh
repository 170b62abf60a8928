#!/usr/bin/env bash
# Load test of the REST API: the real binary (`civiscope serve`) on a seeded
# database, hit by wrk from a second process. Prints
#   LoadAPITools <n> req/s <p50> p50-ms <p99> p99-ms
# for GET /api/v1/tools?category=participatory-budgeting (target: 3,000
# req/s on 2 cores), and the same for a territory lookup. With
# API_CACHE_TTL=0 the response cache is off and every request queries
# PostgreSQL.
#
# The per-IP rate limit is raised for the run (API_RATE_IP): wrk is one
# client, and the point is the server's throughput, with the limiter still
# in the path. Knobs: DURATION (default 15s), CONNECTIONS (default 32),
# THREADS (default 1: wrk shares the 2 cores with the server and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${DURATION:-15s}
conns=${CONNECTIONS:-32}
threads=${THREADS:-1}
port=${API_LOAD_PORT:-18484}

if ! command -v wrk >/dev/null; then
	echo "api load: wrk is missing: installing it with apt-get" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

base=${CIVISCOPE_TEST_DATABASE_URL:-$(scripts/pg.sh start)}
# serve bootstraps an empty database with everything that ships (the
# register, the tool seed, the public adoption lists); later runs reuse it.
dbname=civiscope_load_api_v2
psql "$base" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1 ||
	psql "$base" -qc "CREATE DATABASE $dbname" >/dev/null
url=$(printf '%s' "$base" | sed -E "s#/[^/?]+(\?|$)#/$dbname\1#")

bin=${CIVISCOPE_BIN:-bin/civiscope}
[ -n "${CIVISCOPE_BIN:-}" ] || go build -o "$bin" ./cmd/civiscope

log=$(mktemp)
DATABASE_URL=$url LISTEN_ADDR=127.0.0.1:$port LOG_LEVEL=warn \
	API_RATE_IP=1000000 API_BURST_IP=1000000 API_CACHE_TTL=${API_CACHE_TTL:-2s} \
	"$bin" serve >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 900); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.2
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "api load: the server did not start:" >&2; cat "$log" >&2; exit 1; }

# load NAME PATH runs wrk and prints the summary line.
load() {
	local name=$1 path=$2 out
	n=$(curl -fs "http://127.0.0.1:$port$path" | grep -o '"slug"' | wc -l || true)
	echo "api load: $name $path ($n slugs in the answer)" >&2
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
			if (bad > 0) { printf "api load: %s had %d non-2xx answers\n", name, bad > "/dev/stderr"; exit 1 }
			printf "%s %d req/s %.2f p50-ms %.2f p99-ms\n", name, rps, p50, p99
		}'
}

load LoadAPITools "/api/v1/tools?category=participatory-budgeting"
load LoadAPITerritory "/api/v1/territories/75056"
