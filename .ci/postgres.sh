# PostgreSQL for tests/test_postgres.py, sourced by .ci/run after debian_install.
# A throwaway server of Debian's PostgreSQL: its own data directory, trust authentication,
# listening only on 127.0.0.1 at a free port, run by a non-root user, stopped when CI exits.
# Quiet, reads no stdin; sourcing it again in the same shell reuses the running server.
course_pg_start() {
    local bin data port run=() as=""
    if [ -n "${COURSE_PG_DATA:-}" ]; then  # started before by this shell: reuse it if it runs
        [ -z "${COURSE_PG_RUN_AS:-}" ] || run=(runuser -u "$COURSE_PG_RUN_AS" --)
        if "${run[@]}" "$COURSE_PG_BIN/pg_ctl" status -D "$COURSE_PG_DATA" >/dev/null 2>&1; then
            return 0
        fi
        course_pg_stop; run=()
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        if declare -F debian_install >/dev/null; then
            debian_install postgresql
        else
            local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
            $sudo apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1 \
                || { $sudo apt-get update -q >/dev/null \
                     && $sudo apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
        fi
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "PostgreSQL: no initdb after install" >&2; return 1; }
    data=$(mktemp -d "${TMPDIR:-/tmp}/course-pg.XXXXXX")
    if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root: use Debian's postgres user
        as=postgres
        chown "$as" "$data"
        run=(runuser -u "$as" --)
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${run[@]}" "$bin/initdb" -D "$data/db" -U course --auth=trust -E UTF8 --no-locale \
        </dev/null >"$data/initdb.log" 2>&1 \
        || { cat "$data/initdb.log" >&2; return 1; }
    "${run[@]}" sh -c "cat >> '$data/db/postgresql.conf'" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    "${run[@]}" "$bin/pg_ctl" start -w -t 60 -D "$data/db" -l "$data/server.log" </dev/null >/dev/null \
        || { cat "$data/server.log" >&2; return 1; }
    export COURSE_PG_BIN="$bin" COURSE_PG_DATA="$data/db" COURSE_PG_RUN_AS="$as"
    export COURSE_TEST_POSTGRES_URL="postgresql://course@127.0.0.1:$port/postgres"
    export COURSE_REQUIRE_POSTGRES=1
    trap course_pg_stop EXIT
}
course_pg_stop() {
    [ -n "${COURSE_PG_DATA:-}" ] || return 0
    local run=()
    [ -z "${COURSE_PG_RUN_AS:-}" ] || run=(runuser -u "$COURSE_PG_RUN_AS" --)
    "${run[@]}" "$COURSE_PG_BIN/pg_ctl" stop -D "$COURSE_PG_DATA" -m fast -w </dev/null >/dev/null 2>&1 || true
    rm -rf "$(dirname "$COURSE_PG_DATA")"
    unset COURSE_PG_DATA
}
course_pg_start
"$COURSE_PG_BIN/postgres" --version
# --- end PostgreSQL ---
