# Shared by infra/local/up, down and logs (sourced, not run). Paths, ports, pid checks.
# shellcheck shell=bash disable=SC2034 # the port settings are used by up, down and logs

INFRA_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_HERE/../.." && pwd)"
INFRA_DIR="${INFRA_DIR:-$REPO_ROOT/.infra}"

ALL_ENGINES=(postgres redis kafka cassandra)

# Fixed, non-default loopback ports; each can be overridden from the environment.
POSTGRES_PORT="${INFRA_POSTGRES_PORT:-55432}"
REDIS_PORT="${INFRA_REDIS_PORT:-56379}"
KAFKA_PORT="${INFRA_KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${INFRA_KAFKA_CONTROLLER_PORT:-59093}"
CASSANDRA_PORT="${INFRA_CASSANDRA_PORT:-59042}"
CASSANDRA_STORAGE_PORT="${INFRA_CASSANDRA_STORAGE_PORT:-57000}"
CASSANDRA_JMX_PORT="${INFRA_CASSANDRA_JMX_PORT:-57199}"
POSTGRES_DB="${INFRA_POSTGRES_DB:-eventchat}"

# The program name (`ps -o comm=`) each engine's recorded pid must have.
engine_comm() {
  case "$1" in
    postgres) echo postgres ;;
    redis) echo redis-server ;;
    kafka | cassandra) echo java ;;
  esac
}

engine_log() {
  echo "$INFRA_DIR/$1/$1.log"
}

# PostgreSQL's folder as a real path. It runs as the user postgres, which may not be able to
# traverse the folders above INFRA_DIR (a checkout under /root, a mode-700 temp folder): then
# $INFRA_DIR/postgres is a symlink to a folder under /var/tmp (see start_postgres), and the
# server is always given this resolved path.
pg_dir() {
  readlink -f "$INFRA_DIR/postgres"
}

engine_pidfile() {
  case "$1" in
    postgres) echo "$INFRA_DIR/postgres/data/postmaster.pid" ;; # written by PostgreSQL itself
    *) echo "$INFRA_DIR/$1/$1.pid" ;;
  esac
}

say() { printf '[infra %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

# Parses engine names (default: all four) into the array SELECTED; rejects unknown names.
select_engines() {
  SELECTED=()
  local e known
  for e in "$@"; do
    known=0
    for k in "${ALL_ENGINES[@]}"; do [[ "$e" == "$k" ]] && known=1; done
    [[ $known == 1 ]] || die "unknown engine '$e' (known: ${ALL_ENGINES[*]})"
    SELECTED+=("$e")
  done
  [[ ${#SELECTED[@]} -gt 0 ]] || SELECTED=("${ALL_ENGINES[@]}")
}

# Prints the pid of ENGINE if its recorded pid is alive AND is the expected program AND is ours
# (PostgreSQL and Redis run in their folder under .infra; the JVMs name their config file there);
# else nothing, status 1. A pid reused by another program, or by another java, is not ours.
engine_pid() {
  local engine="$1" file pid comm real cwd
  file="$(engine_pidfile "$engine")"
  [[ -r "$file" ]] || return 1
  pid="$(head -n 1 "$file" 2>/dev/null | tr -dc '0-9')"
  [[ -n "$pid" ]] || return 1
  comm="$(ps -o comm= -p "$pid" 2>/dev/null || true)"
  [[ "$comm" == "$(engine_comm "$engine")" ]] || return 1
  real="$(cd "$INFRA_DIR" 2>/dev/null && pwd -P)" || return 1
  case "$engine" in
    postgres)
      cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
      [[ -z "$cwd" || "$cwd" == "$(pg_dir)"* ]] || return 1
      ;;
    redis)
      cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
      [[ -z "$cwd" || "$cwd" == "$real/$engine"* ]] || return 1
      ;;
    kafka | cassandra)
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -e "$INFRA_DIR/$engine/" -e "$real/$engine/" || return 1
      ;;
  esac
  echo "$pid"
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# PostgreSQL binaries: PG_BIN, else Debian's newest /usr/lib/postgresql/*/bin, else pg_config's.
find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    echo "$PG_BIN"
    return
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$d" && -x "$d/pg_ctl" ]]; then
    echo "$d"
  elif command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/pg_ctl" ]]; then
    pg_config --bindir
  fi
}

# Runs a command as the `postgres` user when we are root (PostgreSQL refuses to run as root).
as_pg() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The port an engine of ours was started on (recorded at its start).
engine_port() {
  cat "$INFRA_DIR/$1/port" 2>/dev/null
}

# Rewrites .infra/env with the settings of every engine of ours that is running now.
write_env() {
  local p
  mkdir -p "$INFRA_DIR"
  {
    echo "# Written by infra/local/up and down: settings for the engines running from $INFRA_DIR"
    if engine_pid postgres >/dev/null && p="$(engine_port postgres)"; then
      echo "DATABASE_URL=postgres://postgres@127.0.0.1:$p/$POSTGRES_DB"
    fi
    if engine_pid redis >/dev/null && p="$(engine_port redis)"; then
      echo "REDIS_URL=redis://127.0.0.1:$p"
    fi
    if engine_pid kafka >/dev/null && p="$(engine_port kafka)"; then
      echo "KAFKA_BROKERS=127.0.0.1:$p"
    fi
    if engine_pid cassandra >/dev/null && p="$(engine_port cassandra)"; then
      echo "CASSANDRA_CONTACT_POINTS=127.0.0.1:$p"
      echo "CASSANDRA_LOCAL_DC=datacenter1"
    fi
  } >"$INFRA_DIR/env.tmp"
  mv -f "$INFRA_DIR/env.tmp" "$INFRA_DIR/env"
}
