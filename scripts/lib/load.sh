# Shared by the load tests in scripts/load: source it, do not run it.
# Each test starts the real binary on its own database and measures it with
# wrk from a second process.

. scripts/lib/apt.sh

# ensure_wrk installs wrk with apt-get when it is missing.
ensure_wrk() { ensure_cmd wrk wrk; }

# load_database NAME prints the URL of database NAME on the test server,
# creating it when missing; `serve` bootstraps an empty one with everything
# that ships, and later runs reuse it.
load_database() {
	local base dbname=$1
	base=${CIVISCOPE_TEST_DATABASE_URL:-$(scripts/pg.sh start)}
	psql "$base" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1 ||
		psql "$base" -qc "CREATE DATABASE $dbname" >/dev/null
	printf '%s' "$base" | sed -E "s#/[^/?]+(\?|$)#/$dbname\1#"
}

# start_server TAG PORT URL [VAR=VALUE…] builds the binary (unless
# CIVISCOPE_BIN names one), serves URL's database on PORT with the extra
# environment, stops it on exit, and waits until /healthz answers.
start_server() {
	local tag=$1 port=$2 url=$3
	shift 3
	local bin=${CIVISCOPE_BIN:-bin/civiscope}
	[ -n "${CIVISCOPE_BIN:-}" ] || go build -o "$bin" ./cmd/civiscope
	server_log=$(mktemp)
	env DATABASE_URL="$url" LISTEN_ADDR="127.0.0.1:$port" LOG_LEVEL=warn "$@" "$bin" serve >"$server_log" 2>&1 &
	server_pid=$!
	trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; rm -f "$server_log"' EXIT
	for _ in $(seq 1 900); do
		curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.2
	done
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null ||
		{ echo "$tag: the server did not start:" >&2; cat "$server_log" >&2; exit 1; }
}

# wrk_latencies is the awk that reads wrk's summary into rps, p50 and p99
# (milliseconds).
wrk_latencies='
	function ms(v) {
		if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
		if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
		if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
		return v
	}
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/^Requests\/sec:/ { rps = $2 }
'

# measure TAG NAME URL runs wrk (THREADS, CONNECTIONS, DURATION) and prints
#   NAME <n> req/s <p50> p50-ms <p99> p99-ms
# failing when any answer was not 2xx or 3xx.
measure() {
	local tag=$1 name=$2 target=$3 out
	out=$(wrk -t"${THREADS:-1}" -c"${CONNECTIONS:-32}" -d"${DURATION:-15s}" --latency "$target")
	echo "$out" >&2
	echo "$out" | awk -v name="$name" -v tag="$tag" "$wrk_latencies"'
		/Non-2xx or 3xx responses:/ { bad = $NF }
		END {
			if (bad > 0) { printf "%s: %s had %d non-2xx answers\n", tag, name, bad > "/dev/stderr"; exit 1 }
			printf "%s %d req/s %.2f p50-ms %.2f p99-ms\n", name, rps, p50, p99
		}'
}
