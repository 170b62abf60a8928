#!/usr/bin/env bash
# Scale benchmark: `civiscope crawl detect --all` over a simulated France
# (scripts/load/francesim): SITES town websites (18,900 by default, the
# number of communes with a known website), each on its own loopback
# address with its own robots.txt, latency, size and fate (dead,
# redirecting, looping, slow, enormous), 7 % linking to a Decidim, CONSUL,
# Cap Collectif or Go Vocal instance on another address. The crawl runs at
# the default politeness divided by FACTOR (2 s per host / 100 = 20 ms),
# with WORKERS pages in flight, against its own database in the test
# cluster. It prints:
#   LoadFranceCrawl <pages/s> pages/s <MB> crawler-peak-MB <MB> pg-peak-MB <MB> db-MB <s> run-s
#   LoadFranceRecall <recall> recall <n> false-findings <n> planted
#   LoadFranceProjection <h> projected-h <h> per-host-bound-h
# The projection is the time a real run would take at 2 s per host with
# the same pages: the larger of (pages × REAL_LATENCY + sites × 13
# guessed subdomains × DNS_FAIL) / 16 requests in flight (the fetcher's
# global limit) and the longest chain of pages on one host × 2 s.
set -euo pipefail
cd "$(dirname "$0")/../.."

sites=${SITES:-18900}
seed=${SEED:-2026}
factor=${FACTOR:-100}
workers=${WORKERS:-16}
port=${FRANCE_PORT:-18700}
real_latency=${REAL_LATENCY:-1.0}
dns_fail=${DNS_FAIL:-0.1}
delay_ms=$((2000 / factor))
base=${CIVISCOPE_TEST_DATABASE_URL:-$(scripts/pg.sh start)}
dbname=civiscope_france_bench
db=$(echo "$base" | sed -E "s#/[^/?]+(\?|$)#/$dbname\1#")

tmp=$(mktemp -d)
go build -o "$tmp/civiscope" ./cmd/civiscope
go build -o "$tmp/francesim" ./scripts/load/francesim
"$tmp/francesim" -sites "$sites" -seed "$seed" -port "$port" -dead-port $((port + 1)) -manifest "$tmp/manifest.csv" 2>"$tmp/sim.log" &
sim=$!
sampler=
trap 'kill $sim 2>/dev/null || true; [ -z "$sampler" ] || kill $sampler 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
	curl -fs "http://127.1.1.1:$port/robots.txt" >/dev/null 2>&1 && break
	sleep 0.1
done

PGOPTIONS="-c client_min_messages=warning" psql "$base" -qAtc "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >/dev/null
export DATABASE_URL=$db LOG_LEVEL=warn
"$tmp/civiscope" import territories >/dev/null
# The shipped tools, so that findings are published as in production.
"$tmp/civiscope" import seed >/dev/null
# Site i is the website of the i-th commune by code.
psql "$db" -qAt >/dev/null <<SQL
CREATE TEMP TABLE m (i int, url text, platform text, instance text);
\copy m FROM '$tmp/manifest.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE bench_manifest AS
  SELECT m.*, t.id AS territory_id FROM m
  JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS i FROM territory WHERE kind = 'commune' AND NOT historic) t USING (i);
INSERT INTO territory_website (territory_id, url, host, status, source, source_title, licence, first_listed, last_listed)
  SELECT territory_id, url, split_part(url, '/', 3), 'current', 'bench', 'simulated France', 'none', current_date, current_date FROM bench_manifest;
SQL

# Peak memory of PostgreSQL: the sum of its processes' proportional set
# sizes (shared buffers split between the processes that map them).
pgpid=$(ps -eo pid,args | awk -v p="$(echo "$base" | sed -E 's#.*:([0-9]+)/.*#\1#')" '$0 ~ "postgres.*-p "p {print $1; exit}')
( peak=0; while :; do
	kb=0
	for p in $pgpid $(ps -o pid= --ppid "$pgpid" 2>/dev/null); do
		v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
		kb=$((kb + ${v:-0}))
	done
	[ "$kb" -gt "$peak" ] && peak=$kb && echo "$peak" >"$tmp/pgpeak"
	sleep 1
done ) &
sampler=$!

echo "france: crawling $sites simulated sites at ${delay_ms} ms per host (2 s / $factor), $workers workers" >&2
start=$(date +%s.%N)
# The simulated sites live on loopback, which the outbound guard refuses
# unless told otherwise.
CRAWL_ALLOW_LOOPBACK=true /usr/bin/time -f "%M" -o "$tmp/rss" "$tmp/civiscope" crawl detect --all --delay "${delay_ms}ms" --workers "$workers" \
	>"$tmp/out.txt" 2>"$tmp/err.txt" || { tail -20 "$tmp/err.txt" >&2; exit 1; }
end=$(date +%s.%N)
kill $sampler 2>/dev/null || true

psql "$db" -qAtF' ' >"$tmp/figures" <<'SQL'
WITH f AS (SELECT DISTINCT territory_id, platform, instance_url FROM crawl_finding),
hits AS (SELECT count(*) AS n FROM bench_manifest b WHERE b.platform <> ''
         AND EXISTS (SELECT 1 FROM f WHERE f.territory_id = b.territory_id AND f.platform = b.platform AND f.instance_url = b.instance)),
falses AS (SELECT count(*) AS n FROM f JOIN bench_manifest b USING (territory_id)
           WHERE f.platform <> 'Ruby on Rails' AND (b.platform = '' OR f.platform <> b.platform OR f.instance_url <> b.instance)),
planted AS (SELECT count(*) AS n FROM bench_manifest WHERE platform <> ''),
pages AS (SELECT count(*) AS n FROM crawl_page),
chain AS (SELECT max(n) AS n FROM (SELECT split_part(url, '/', 3), count(*) AS n FROM crawl_queue GROUP BY 1) h),
urls AS (SELECT count(*) AS n FROM crawl_queue)
SELECT (SELECT n FROM pages), (SELECT n FROM urls), (SELECT n FROM chain), (SELECT n FROM hits), (SELECT n FROM falses),
       (SELECT n FROM planted), pg_database_size(current_database()) / 1048576
SQL
read -r pages urls chain hits falses planted dbmb <"$tmp/figures"
rss_kb=$(tail -1 "$tmp/rss")
pg_kb=$(cat "$tmp/pgpeak" 2>/dev/null || echo 0)
awk -v s="$start" -v e="$end" -v p="$pages" -v r="$rss_kb" -v g="$pg_kb" -v d="$dbmb" \
	'BEGIN {printf "LoadFranceCrawl %.1f pages/s %.0f crawler-peak-MB %.0f pg-peak-MB %d db-MB %.0f run-s\n", p / (e - s), r / 1024, g / 1024, d, e - s}'
awk -v h="$hits" -v f="$falses" -v n="$planted" 'BEGIN {printf "LoadFranceRecall %.3f recall %d false-findings %d planted\n", (n ? h / n : 1), f, n}'
awk -v u="$urls" -v n="$sites" -v c="$chain" -v l="$real_latency" -v dns="$dns_fail" \
	'BEGIN {w = (u * l + n * 13 * dns) / 16; b = c * 2; printf "LoadFranceProjection %.2f projected-h %.3f per-host-bound-h\n", (w > b ? w : b) / 3600, b / 3600}'
echo "france: $urls URLs on the frontier, $pages pages kept; reasons of failure:" >&2
psql "$db" -qAtF' ' -c "SELECT count(*), left(regexp_replace(error, '[0-9.:]+', '…', 'g'), 90) FROM crawl_queue WHERE state = 'failed' GROUP BY 2 ORDER BY 1 DESC LIMIT 8" >&2
psql "$base" -qAtc "DROP DATABASE IF EXISTS $dbname" >/dev/null
