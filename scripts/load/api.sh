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

. scripts/lib/load.sh
port=${API_LOAD_PORT:-18484}
ensure_wrk "api load"
url=$(load_database civiscope_load_api_v2)
start_server "api load" "$port" "$url" \
	API_RATE_IP=1000000 API_BURST_IP=1000000 API_CACHE_TTL="${API_CACHE_TTL:-2s}"

# load NAME PATH runs wrk and prints the summary line.
load() {
	local n
	n=$(curl -fs "http://127.0.0.1:$port$2" | grep -o '"slug"' | wc -l || true)
	echo "api load: $1 $2 ($n slugs in the answer)" >&2
	measure "api load" "$1" "http://127.0.0.1:$port$2"
}

load LoadAPITools "/api/v1/tools?category=participatory-budgeting"
load LoadAPITerritory "/api/v1/territories/75056"
