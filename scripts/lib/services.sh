# Shared by scripts/run and scripts/test: install what is missing, start a private PostgreSQL and
# Redis on loopback. Source it; it defines functions only.

tf_log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

tf_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

tf_apt_install() {
  tf_log "installing $* (apt-get)"
  tf_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  tf_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The .NET SDK, PostgreSQL and Redis server binaries; with "browser", Debian's Chromium for the
# Playwright tests (never a browser downloaded by Playwright).
tf_install_prerequisites() {
  command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (https://dot.net)." >&2; return 1; }
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
  if [ "${1:-}" = browser ] && [ -z "${TF_CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then missing+=(chromium); fi
  if [ ${#missing[@]} -gt 0 ]; then tf_apt_install "${missing[@]}"; fi
  TF_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  export TF_PG_BIN
}

# A free TCP port on 127.0.0.1, starting from $1.
tf_free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# PostgreSQL refuses to run as root: as root, its files belong to the postgres user. Run from /
# because initdb and postgres change back to the starting folder, which postgres may not enter.
tf_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# tf_start_postgres DIR PORT [durable] [max_connections]: a cluster in DIR (created if new), listening on 127.0.0.1:PORT only.
tf_start_postgres() {
  local dir=$1 port=$2 durable=${3:-yes} connections=${4:-200}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    tf_pg "$TF_PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local options="-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c max_connections=$connections"
  if [ "$durable" != yes ]; then options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
  if tf_pg "$TF_PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    tf_log "PostgreSQL already running ($dir)"
  else
    tf_pg "$TF_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null
  fi
}

tf_stop_postgres() {
  local dir=$1
  tf_pg "$TF_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# tf_start_redis DIR PORT [durable]
tf_start_redis() {
  local dir=$1 port=$2 durable=${3:-yes}
  mkdir -p "$dir"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then tf_log "Redis already running on $port"; return; fi
  local persistence=(--save "" --appendonly no)
  if [ "$durable" = yes ]; then persistence=(--save "60 1" --appendonly yes); fi
  redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "${persistence[@]}" >/dev/null
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "Redis did not start: see $dir/redis.log" >&2; return 1
}

tf_stop_redis() {
  local port=$1
  redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
}

# Where PostgreSQL keeps its files: under .local/ unless the postgres user cannot reach it (a
# checkout in a private folder), then under /var/lib.
tf_pg_home() {
  local root=$1 name=$2
  if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$root/.local"; then
    echo "$root/.local/$name"
  else
    echo "/var/lib/twilio-feedback/$(printf '%s' "$root" | md5sum | cut -c1-12)/$name"
  fi
}
