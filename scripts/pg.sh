#!/usr/bin/env bash
# Starts (or reuses) the project-local PostgreSQL cluster and prints its URL.
#
#   scripts/pg.sh start   install if missing, init, start, create the database
#   scripts/pg.sh stop    stop the cluster
#   scripts/pg.sh url     print the connection URL
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the
# `postgres` system user, in a directory that user can reach.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
port=${CIVISCOPE_PG_PORT:-55432}
db=${CIVISCOPE_PG_DB:-civiscope}
user=civiscope

log() { printf 'pg: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

ensure_installed() {
	if [ -n "$(pg_bindir)" ]; then return; fi
	log "PostgreSQL is missing: installing it with apt-get"
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql postgresql-contrib >/dev/null
	# Debian starts a system cluster on install; ours is separate and needs
	# no system service.
	[ -n "$(pg_bindir)" ] || { log "PostgreSQL binaries not found after install"; exit 1; }
}

# run_pg runs a PostgreSQL binary as the user that owns the cluster.
run_pg() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# cluster_dir picks a directory the cluster's owner can reach: .pg inside
# the project when possible, otherwise a per-project directory in /var/tmp
# (a clone under /root is not reachable by the postgres user).
cluster_dir() {
	if [ -n "${CIVISCOPE_PG_DIR:-}" ]; then echo "$CIVISCOPE_PG_DIR"; return; fi
	if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$here" 2>/dev/null; then
		echo "$here/.pg"
	else
		echo "/var/tmp/civiscope-pg-$(printf '%s' "$here" | cksum | cut -d' ' -f1)"
	fi
}

url() { echo "postgres://$user@127.0.0.1:$port/$db?sslmode=disable"; }

start() {
	ensure_installed
	local bin dir
	bin=$(pg_bindir)
	dir=$(cluster_dir)
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
	chmod 700 "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		log "initialising a cluster in $dir/data"
		run_pg "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	fi
	if ! run_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		log "starting PostgreSQL on 127.0.0.1:$port"
		run_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=256MB -c fsync=${CIVISCOPE_PG_FSYNC:-on}" >/dev/null \
			|| { log "PostgreSQL did not start; its log:"; tail -n 20 "$dir/server.log" >&2; exit 1; }
	fi
	if ! "$bin/psql" "postgres://$user@127.0.0.1:$port/postgres?sslmode=disable" -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
		"$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$db"
	fi
	url
}

stop() {
	local bin dir
	bin=$(pg_bindir) || { log "PostgreSQL is not installed"; return 0; }
	dir=$(cluster_dir)
	if [ -f "$dir/data/PG_VERSION" ] && run_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		run_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
		log "stopped"
	else
		log "not running"
	fi
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
url) url ;;
*) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
