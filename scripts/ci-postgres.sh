# Starts a throwaway PostgreSQL server (Debian's `postgresql` package) on 127.0.0.1 for the
# `migration-lint trace --database-url` tests, and exports its URL as MIGRATION_LINT_TEST_DATABASE_URL.
#
# Meant to be sourced (`.ci/run` does `source scripts/ci-postgres.sh`), so it uses `return`, never
# `exit`, and leaves the caller's shell options alone. It can also be run directly: it then prints
# the `export` line and the command that stops the server.
#
# Works as root (initdb and postgres refuse to run as root, so the cluster is owned by an
# unprivileged user: `postgres` when the package created it, else `nobody`) and from a clean state:
# the data directory is a fresh temp dir; the server stops when the calling shell exits.

_mlpg_main() {
  local bindir="" v
  # Highest installed major version that has the server binaries.
  for v in $(ls -1 /usr/lib/postgresql 2>/dev/null | sort -n); do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
      bindir="/usr/lib/postgresql/$v/bin"
    fi
  done
  if [ -z "$bindir" ]; then
    echo "ci-postgres: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
    return 1
  fi

  # Run the server as an unprivileged user when we are root.
  local runas=() owner
  owner="$(id -un)"
  if [ "$(id -u)" = "0" ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    if command -v runuser >/dev/null 2>&1; then
      runas=(runuser -u "$owner" --)
    else
      runas=(su -s /bin/sh "$owner" -c '"$0" "$@"')
    fi
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/migration-lint-pg.XXXXXX")" || return 1
  chmod 755 "$dir"
  [ "$(id -u)" = "0" ] && chown "$owner" "$dir"

  # A free TCP port: the first one in the range that nothing answers on.
  local port="" p
  for p in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      port=$p
      break
    fi
  done
  if [ -z "$port" ]; then
    echo "ci-postgres: no free TCP port in 55432-55532" >&2
    return 1
  fi

  if ! "${runas[@]}" "$bindir/initdb" -D "$dir/data" -U migration_lint --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    # Older distributions have no C.UTF-8 locale.
    rm -rf "$dir/data"
    if ! "${runas[@]}" "$bindir/initdb" -D "$dir/data" -U migration_lint --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1; then
      echo "ci-postgres: initdb failed:" >&2
      cat "$dir/initdb.log" >&2
      return 1
    fi
  fi

  # Durability off: the cluster is thrown away. Socket in the temp dir, TCP only on 127.0.0.1.
  local opts="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
  if ! "${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w -t 60 start >"$dir/pg_ctl.log" 2>&1; then
    echo "ci-postgres: the server did not start:" >&2
    cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null
    return 1
  fi

  export MIGRATION_LINT_TEST_DATABASE_URL="postgres://migration_lint@127.0.0.1:$port/postgres"
  export MIGRATION_LINT_TEST_PG_DIR="$dir"
  # How to stop it (also run automatically when the calling shell exits).
  MIGRATION_LINT_TEST_PG_STOP="$(printf '%q ' "${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop) >/dev/null 2>&1; rm -rf $(printf '%q' "$dir")"
  export MIGRATION_LINT_TEST_PG_STOP
  echo "ci-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir, owned by $owner)" >&2
}

if _mlpg_main; then
  unset -f _mlpg_main
  if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: stop the server when the calling shell exits (keeping any EXIT trap it already has).
    _mlpg_prev_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
    # shellcheck disable=SC2064
    trap "${_mlpg_prev_trap:+$_mlpg_prev_trap; }eval \"\$MIGRATION_LINT_TEST_PG_STOP\"" EXIT
    unset _mlpg_prev_trap
    true
  else
    echo "export MIGRATION_LINT_TEST_DATABASE_URL=$MIGRATION_LINT_TEST_DATABASE_URL"
    echo "# stop with: $MIGRATION_LINT_TEST_PG_STOP"
  fi
else
  unset -f _mlpg_main
  # `return` when sourced, `exit` when run directly.
  return 1 2>/dev/null || exit 1
fi
