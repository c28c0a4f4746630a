#!/usr/bin/env bash
# Brings a PostgreSQL for `npm run test:pg` and prints its URL (the only line on stdout; the rest goes
# to stderr). Uses the server at 127.0.0.1:5432 when one answers (trust auth, user postgres, a
# database `test`, created when missing); otherwise starts a throwaway cluster of Debian's binaries in
# a temporary directory on a free port (installing the `postgresql` package first when it is
# missing), run as the `postgres` user when this script runs as root, since the server refuses root.
# The throwaway server runs until the machine (CI's run) ends; nothing of the machine's own is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "::: postgres: $*" >&2; }

# Answers whether a server takes connections at URL, making database `test` when it is missing.
probe() {
  node -e '
    const { Client } = require("pg");
    const url = new URL(process.argv[1]);
    (async () => {
      const admin = new Client({ connectionString: url.toString().replace(/\/test$/, "/postgres"), connectionTimeoutMillis: 3000 });
      await admin.connect();
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", ["test"]);
      if (rowCount === 0) await admin.query("CREATE DATABASE test");
      await admin.end();
    })().then(() => process.exit(0), () => process.exit(1));
  ' "$1"
}

url="postgres://postgres@127.0.0.1:5432/test"
if probe "$url"; then
  log "using the server at 127.0.0.1:5432"
  echo "$url"
  exit 0
fi

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  log "no PostgreSQL binaries: installing the postgresql package"
  sudo=''
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo='sudo'; fi
  $sudo apt-get update >&2
  # Debian's package starts its own cluster on 5432 when it can; that one is then used below.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends postgresql >&2
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if probe "$url"; then
    log "using the server the package started at 127.0.0.1:5432"
    echo "$url"
    exit 0
  fi
fi

# A free port: the first of 55432.. that nothing listens on.
port=55432
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
dir="$(mktemp -d /tmp/flowbot-ci-postgres.XXXXXX)"
as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
log "starting a throwaway cluster in $dir on port $port ($bindir)"
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 || {
  cat "$dir/server.log" >&2
  exit 1
}
url="postgres://postgres@127.0.0.1:$port/test"
probe "$url" || {
  log "the throwaway cluster does not answer"
  cat "$dir/server.log" >&2
  exit 1
}
echo "$url"
