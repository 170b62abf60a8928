#!/usr/bin/env bash
# Crawl throughput: the Civiscope crawler (PostgreSQL frontier, page
# evidence, fingerprinting) against the Colly framework, on the same local
# synthetic town site (scripts/load/crawlsite: a homepage and 40 sections
# of PAGES pages, 2,041 pages by default, ~20 KB a page, 5 ms of latency
# per page) at the same
# politeness: robots.txt honoured, PARALLEL requests in flight to the host,
# DELAY between requests. The two run in turn, ROUNDS times, because one
# two-second run on a shared 2-core machine varies by several per cent;
# the lines are each crawler's median run, and the ratio of the medians:
#   LoadCrawlCiviscope <pages/s> req/s <p50> p50-ms <p99> p99-ms
#   LoadCrawlColly     <pages/s> req/s <p50> p50-ms <p99> p99-ms
#   LoadCrawlCiviscopeOverColly <ratio> x
# Civiscope's latencies are those of its page fetches; Colly's run from the
# moment a link is queued, so they include its wait for a free slot.
# Colly lives in its own module (bench/colly) to stay out of go.mod.
#
# Two settings are worth running: the default (DELAY=0s PARALLEL=8), where
# the limit is CPU and the database on the machine, and a realistic one
# (DELAY=10ms PARALLEL=1), where the limit is politeness. Note that Colly's
# Delay is a pause after each answer, while Civiscope's is a minimum
# interval between request starts (what robots.txt Crawl-delay means to
# most crawlers): with 1 request in flight, Colly waits latency + delay.
set -euo pipefail
cd "$(dirname "$0")/../.."

parallel=${PARALLEL:-8}
delay=${DELAY:-0s}
latency=${LATENCY:-5ms}
pages=${PAGES:-50}
rounds=${ROUNDS:-5}
port=${CRAWL_LOAD_PORT:-18600}
export CIVISCOPE_TEST_DATABASE_URL=${CIVISCOPE_TEST_DATABASE_URL:-$(scripts/pg.sh start)}

tmp=$(mktemp -d)
go build -o "$tmp/crawlsite" ./scripts/load/crawlsite
go build -o "$tmp/crawlbench" ./scripts/load/crawlbench
(cd bench/colly && go build -o "$tmp/colly" .)

"$tmp/crawlsite" -addr "127.0.0.1:$port" -latency "$latency" -pages "$pages" 2>"$tmp/site.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$port/robots.txt" >/dev/null 2>&1 && break
	sleep 0.1
done

for i in $(seq 1 "$rounds"); do
	echo "crawl load: round $i of $rounds" >&2
	"$tmp/crawlbench" -url "http://127.0.0.1:$port/" -parallel "$parallel" -delay "$delay" >>"$tmp/civiscope.txt"
	"$tmp/colly" -url "http://127.0.0.1:$port/" -parallel "$parallel" -delay "$delay" >>"$tmp/colly.txt"
done
# median prints the run of median throughput.
median() { sort -k2,2n "$1" | awk '{l[NR] = $0} END {print l[int((NR + 1) / 2)]}'; }
for f in civiscope colly; do
	echo "crawl load: $f pages/s by round: $(awk '{printf "%s ", $2}' "$tmp/$f.txt")" >&2
done
civ=$(median "$tmp/civiscope.txt")
col=$(median "$tmp/colly.txt")
echo "$civ"
echo "$col"
awk -v a="$(echo "$civ" | awk '{print $2}')" -v b="$(echo "$col" | awk '{print $2}')" 'BEGIN {printf "LoadCrawlCiviscopeOverColly %.2f x\n", a / b}'
if [ -s "$tmp/site.log" ]; then
	echo "crawl load: a crawler ignored robots.txt:" >&2
	cat "$tmp/site.log" >&2
	exit 1
fi
