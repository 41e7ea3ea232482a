# Sourced by the benchmarks: a throw-away PostgreSQL server from Debian's packages (the tests
# have the same in tests/support/postgres_server.*), on a free loopback port, trust auth.
#   start_postgres      sets PG_DIR, PG_PORT, PG_BIN and PG_URL (postgresql://.../postgres)
#   pg_psql DB ARGS...  psql as the superuser on database DB
#   stop_postgres       stops it and removes its folder
# Runs the server as `postgres` when run as root (PostgreSQL refuses to run as root).

pg_as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  PG_BIN=${CRYPTOPIPE_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "no PostgreSQL server in /usr/lib/postgresql/*/bin: run scripts/install-deps.sh" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cryptopipe-pg-XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DIR"; fi
  PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$PG_DIR" && pg_as_server_user "$PG_BIN/initdb" -D "$PG_DIR/data" -U cryptopipe \
    --auth=trust --encoding=UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1) || {
    cat "$PG_DIR/initdb.log" >&2
    return 1
  }
  # The server's defaults otherwise (fsync on): the benchmarks measure what a user would get.
  (cd "$PG_DIR" && pg_as_server_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR" start >/dev/null) || {
    cat "$PG_DIR/server.log" >&2
    return 1
  }
  PG_URL="postgresql://cryptopipe@127.0.0.1:$PG_PORT/postgres"
}

pg_psql() {
  local db=$1
  shift
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://cryptopipe@127.0.0.1:$PG_PORT/$db" "$@"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    (cd "$PG_DIR" && pg_as_server_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1) || true
    rm -rf "$PG_DIR"
    PG_DIR=""
  fi
}
