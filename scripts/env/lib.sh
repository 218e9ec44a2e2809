# Shared by up.sh, down.sh and status.sh.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
. "$here/versions.sh"

REGISTRY_ADDR="${BND_REGISTRY_ADDR:-127.0.0.1:5000}"
REGISTRY_USER="${BND_REGISTRY_USER:-bnd-test}"
CLUSTER_NAME="${BND_CLUSTER_NAME:-bnd}"
NODE_COUNT="${BND_NODE_COUNT:-3}"
BASE_IMAGE="bnd-base/busybox:1.35"
# The example API's build stage: the machine's Go toolchain on the busybox root (golang:<minor> stands in for it).
GO_IMAGE="bnd-base/golang:$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
ENV_FILE="$BND_STATE/env.sh"
# Debian's docker.io client (20.10) drives the daemon's built-in BuildKit; the 28.x client first on PATH needs
# buildx for BuildKit, which this machine lacks. Everything here and in env.sh uses this client.
DOCKER_CLI="${BND_DOCKER_CLI:-/usr/bin/docker}"
# With buildx (up.sh --tests), the client a GitHub runner has: the 28.x one when this machine has it.
BUILDX_DOCKER_CLI="${BND_BUILDX_DOCKER_CLI:-$([ -x /usr/local/bin/docker ] && echo /usr/local/bin/docker || echo "$DOCKER_CLI")}"

export KWOK_WORKDIR="$BND_STATE/kwok"

log() { printf '[env] %s\n' "$*" >&2; }
die() { printf '[env] error: %s\n' "$*" >&2; exit 1; }
# Under set -e a failing command ends a script without a word: say which one, and where.
[[ $- == *e* ]] && trap 'printf "[env] error: %s failed (exit %s) at %s:%s\n" "$BASH_COMMAND" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" >&2' ERR

# A PID file outlives its process when the machine or sandbox is restarted, and the number may since belong to
# another program: the file counts only while that PID runs the program named (its executable's base name).
pid_alive() {
  local file=$1 program=${2:-} pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  kill -0 "$pid" 2>/dev/null || return 1
  [ -z "$program" ] || [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = "$program" ]
}

# Removes a PID file whose process is gone (see pid_alive), so a daemon that refuses a stale one can start.
drop_stale_pidfile() { pid_alive "$1" "$2" || rm -f "$1"; }

# Stops the process named by a PID file and waits for it to go; never by process name, and only while the PID
# still runs that program.
stop_pidfile() {
  local file=$1 name=$2 program=$3 pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if pid_alive "$file" "$program"; then
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

# kwokctl keeps a PID file per component (pids/NAME.pid) and a link to its binary (bin/NAME).
kwok_component_program() {
  local name
  name=$(basename "$1" .pid)
  basename "$(readlink -f "$KWOK_WORKDIR/clusters/$CLUSTER_NAME/bin/$name" 2>/dev/null || echo "$name")"
}

# Debian keeps PostgreSQL's programs (initdb, postgres) off PATH, in a directory per major version.
pg_bin() { local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1); [ -x "$d/initdb" ] && echo "$d"; }

kwokctl_bin() { echo "$KWOK_BIN/kwokctl"; }
