#!/usr/bin/env bash
# Pages against a static file server (issue 17): a tool page and territory
# pages, with filters and sorts in the URL, served by the real binary
# (`civiscope serve`, its page cache on), then the very same bytes served
# from disk by the standard library's file server (scripts/load/staticsite),
# one after the other in one run, each hit by wrk from a second process.
# Prints, per page,
#   LoadPage<Name>   <n> req/s <p50> p50-ms <p99> p99-ms
#   LoadStatic<Name> <n> req/s <p50> p50-ms <p99> p99-ms
#   LoadPage<Name>OverStatic <ratio> x          (target ≥ 0.5)
# and the load average when it ran (the machine is shared: a figure without
# it says little). Knobs: DURATION (default 10s), CONNECTIONS (default 32),
# THREADS (default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."

. scripts/lib/load.sh
port=${PAGES_LOAD_PORT:-18487}
static_port=$((port + 1))
ensure_wrk "pages load"
url=$(load_database civiscope_load_web)
start_server "pages load" "$port" "$url"
export DURATION=${DURATION:-10s}

tmp=$(mktemp -d)
go build -o "$tmp/staticsite" ./scripts/load/staticsite
mkdir "$tmp/www"
"$tmp/staticsite" -addr "127.0.0.1:$static_port" -dir "$tmp/www" 2>"$tmp/static.log" &
static_pid=$!
trap 'kill $server_pid $static_pid 2>/dev/null; wait $server_pid $static_pid 2>/dev/null; rm -rf "$tmp" "$server_log"' EXIT

tool=$(psql "$url" -qtAc "SELECT t.slug FROM tool t JOIN adoption a ON a.tool_id = t.id GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1")
[ -n "$tool" ] || tool=decidim
# The largest commune among the tool's French adopters, for a territory
# page with peers, their matrix and map.
code=$(psql "$url" -qtAc "SELECT te.code FROM adoption a JOIN tool t ON t.id = a.tool_id JOIN territory te ON te.id = a.territory_id WHERE t.slug = '$tool' AND te.kind = 'commune' ORDER BY te.population DESC NULLS LAST LIMIT 1")
[ -n "$code" ] || code=92050
dept=$(psql "$url" -qtAc "SELECT departement_code FROM territory WHERE kind = 'commune' AND code = '$code'")

pages=(
	"Tool /outils/$tool?type=commune&tri=population"
	"ToolFiltered /outils/$tool?type=commune&tranche=commune-20000-49999&region=11"
	"Territory /territoires/commune/$code?tri=nom"
	"Departement /territoires/departement/$dept"
	"Peers /comme-ma-collectivite?code=$code&tri=nom"
)
for p in "${pages[@]}"; do
	set -- $p
	curl -fs "http://127.0.0.1:$port$2" -o "$tmp/www/$1.html"
done
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$static_port/Tool.html" >/dev/null 2>&1 && break
	sleep 0.1
done

echo "pages load: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for p in "${pages[@]}"; do
	set -- $p
	echo "pages load: $1 $2 ($(wc -c <"$tmp/www/$1.html") bytes)" >&2
	dyn=$(measure "pages load" "LoadPage$1" "http://127.0.0.1:$port$2")
	sta=$(measure "pages load" "LoadStatic$1" "http://127.0.0.1:$static_port/$1.html")
	echo "$dyn"
	echo "$sta"
	awk -v a="$(echo "$dyn" | awk '{print $2}')" -v b="$(echo "$sta" | awk '{print $2}')" -v n="$1" \
		'BEGIN {printf "LoadPage%sOverStatic %.2f x\n", n, b ? a / b : 0}'
done
echo "pages load: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
