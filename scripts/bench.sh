#!/usr/bin/env bash
# `make bench`: every Go benchmark of the project, then the load tests (a
# second process, wrk, against the real server), printed as one table.
# Figures depend on the machine: the issue notes record the 2-core runs.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
out=artifacts/bench.txt
: >"$out"

if [ -z "${CIVISCOPE_TEST_DATABASE_URL:-}" ]; then
	CIVISCOPE_TEST_DATABASE_URL=$(scripts/pg.sh start)
	export CIVISCOPE_TEST_DATABASE_URL
fi
export CIVISCOPE_BENCH=1

# The machine may be shared: every figure goes with the load average.
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out" >&2
echo "== Go benchmarks (details in $out)" >&2
go test -run '^$' -bench "${BENCH:-.}" -benchtime "${BENCHTIME:-1s}" -timeout 30m ./... 2>&1 | tee -a "$out" >&2

# Load tests: each scripts/load/*.sh prints lines of the form
#   Load<Name> <requests> req/s <p50> p50-ms <p99> p99-ms
if compgen -G "scripts/load/*.sh" >/dev/null; then
	echo "== load tests" >&2
	for s in scripts/load/*.sh; do
		bash "$s" 2>&1 | tee -a "$out" >&2
	done
fi

echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out" >&2
echo
echo "Load average at start and end: $(grep '^== load average' "$out" | sed 's/== load average at //' | paste -sd ';' -)"
echo
echo "| benchmark | metric | value |"
echo "|---|---|---|"
awk '
/^(Benchmark|Load)[^ \t]*[ \t]/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	start = ($1 ~ /^Benchmark/) ? 3 : 2
	for (i = start; i < NF; i += 2) printf "| %s | %s | %s |\n", name, $(i+1), $i
}' "$out"
