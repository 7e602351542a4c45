#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops it.
#
#   scripts/with-postgres.sh make test-all
#
# The command sees PAYSTATE_PG_DSN (a database it may fill at will). When
# PAYSTATE_PG_DSN is already set, the command runs against that server and
# nothing is started. PostgreSQL's binaries are looked up on PATH and under
# /usr/lib/postgresql/*/bin. initdb refuses to run as root, so as root the
# server runs as the "postgres" user.
#
# PAYSTATE_PG_OPTS adds server settings to the defaults below (later ones
# win), e.g. PAYSTATE_PG_OPTS='-c shared_buffers=4GB' for the store
# benchmarks (make bench-stores). It applies only to the server this script
# starts, not to one named by PAYSTATE_PG_DSN.
set -euo pipefail

if [[ -n "${PAYSTATE_PG_DSN:-}" ]]; then
	exec "$@"
fi

pgbin=""
if command -v initdb >/dev/null 2>&1; then
	pgbin="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x "$d/initdb" ]] && pgbin="$d"
	done
fi
if [[ -z "$pgbin" ]]; then
	echo "with-postgres: PostgreSQL binaries (initdb, pg_ctl) not found; install postgresql or set PAYSTATE_PG_DSN" >&2
	exit 1
fi

dir="$(mktemp -d /tmp/paystate-pg.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
as_pg=()
if [[ "$(id -u)" == 0 ]]; then
	chown postgres "$dir"
	as_pg=(runuser -u postgres --)
fi

cleanup() {
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U paystate --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
# Tuned for throwaway test data: durable enough to test crash recovery of the
# engine (fsync stays on), small and fast otherwise.
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=128MB ${PAYSTATE_PG_OPTS:-}" start >/dev/null ||
	{ cat "$dir/server.log" >&2; exit 1; }
"${as_pg[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U paystate paystate

export PAYSTATE_PG_DSN="postgres://paystate@127.0.0.1:$port/paystate?sslmode=disable"
echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port${PAYSTATE_PG_OPTS:+ ($PAYSTATE_PG_OPTS)}" >&2
"$@"
