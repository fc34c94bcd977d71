# shellcheck shell=bash
# Shared by bench/run.sh and bench/memory.sh (sourced, not run): building
# the tools, starting and stopping one server, minting the users' tokens.
# Every wait here is bounded; the caller's EXIT trap calls bench_stop_server.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_build=${WDRBE_BENCH_BUILD_DIR:-$bench_root/build-bench}
bench_wdrbe=$bench_build/wdrbe
bench_seed=$bench_build/bench/seed_items
bench_commit_rate=$bench_build/bench/sqlite_commit_rate
bench_idle_connections=$bench_build/bench/idle_connections
bench_lambda_invocations=$bench_build/bench/lambda_invocations
bench_otlp_sink=$bench_build/bench/otlp_sink
bench_span_cost=$bench_build/bench/span_cost
bench_server_pid=
bench_port=

# bench_make_work NAME: sets `work` to a fresh temporary directory under
# $TMPDIR and, on exit (Ctrl-C included), runs the caller's bench_on_exit
# (if defined), stops the server and nginx, and removes the directory
# (kept with WDRBE_BENCH_KEEP=1).
bench_make_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/wdrbe-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  if declare -F bench_on_exit >/dev/null; then bench_on_exit; fi
  bench_stop_server
  bench_stop_nginx
  if [[ ${WDRBE_BENCH_KEEP:-0} == 1 ]]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}

bench_die() {
  echo "bench: $*" >&2
  exit 1
}

bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || bench_die "needs '$tool' on PATH"
  done
}

# Configures build-bench/ (optimised, no tests) once, then builds the server
# and the bench tools. WDRBE_BENCH_SKIP_BUILD=1 uses what is there.
bench_build_tools() {
  if [[ ${WDRBE_BENCH_SKIP_BUILD:-0} == 1 ]]; then
    [[ -x $bench_wdrbe && -x $bench_seed && -x $bench_commit_rate ]] ||
      bench_die "WDRBE_BENCH_SKIP_BUILD=1 but $bench_build lacks the binaries"
    return
  fi
  echo "bench: building $bench_build" >&2
  if [[ ! -f $bench_build/CMakeCache.txt ]]; then
    cmake -S "$bench_root" -B "$bench_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DWDRBE_BUILD_TESTS=OFF >/dev/null || bench_die "cmake configure failed"
  fi
  cmake --build "$bench_build" --target wdrbe sqlite_commit_rate seed_items idle_connections lambda_invocations \
    otlp_sink span_cost >/dev/null ||
    bench_die "build failed (run: cmake --build $bench_build)"
}

# A fresh random HS256 secret for this run only.
bench_new_secret() {
  WDRBE_JWT_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  export WDRBE_JWT_SECRET
}

# bench_start_server LOG [taskset-prefix...] -- [serve flags...]
# Starts `wdrbe serve` on 127.0.0.1, any free port; sets bench_server_pid and
# bench_port once it prints "listening on". Server throttling (when the
# binary has it) is turned off: the benchmark measures the service, not the
# rate limiter.
bench_start_server() {
  local log=$1
  shift
  local prefix=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    prefix+=("$1")
    shift
  done
  [[ ${1:-} == -- ]] && shift
  local flags=("$@")
  local help
  help=$("$bench_wdrbe" serve --help 2>&1 || true)
  local limit
  for limit in --rate-limit --user-rate-limit; do
    if grep -q -- "$limit" <<<"$help"; then flags+=("$limit" 0); fi
  done
  : >"$log"
  "${prefix[@]}" "$bench_wdrbe" serve --listen 127.0.0.1:0 "${flags[@]}" >"$log" 2>&1 &
  bench_server_pid=$!
  local i
  for ((i = 0; i < 200; i++)); do
    bench_port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n1 || true)
    [[ -n $bench_port ]] && return 0
    kill -0 "$bench_server_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  bench_die "the server did not start"
}

# SIGTERM (graceful), then SIGKILL after 15 s. Safe to call twice.
bench_stop_server() {
  [[ -n $bench_server_pid ]] || return 0
  local pid=$bench_server_pid i
  bench_server_pid=
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Tokens of bench-u0 .. bench-u{N-1}, space-separated, valid for an hour.
bench_tokens() {
  local users=$1 u tokens=()
  for ((u = 0; u < users; u++)); do
    tokens+=("$("$bench_wdrbe" token --sub "bench-u$u" --ttl 3600)") || bench_die "wdrbe token failed"
  done
  echo "${tokens[*]}"
}

# The server's resident memory now, in KiB: "VmRSS VmHWM".
bench_rss_kib() {
  awk '/^VmRSS:/ {rss = $2} /^VmHWM:/ {hwm = $2} END {print rss, hwm}' "/proc/$1/status"
}

# Processes that distort figures, as "name xN, ...": compilers and build
# tools, test runners, and wdrbe processes other than this run's server.
bench_intruders() {
  ps -eo pid=,comm= | awk -v own="$bench_server_pid" '
    $2 ~ /^(cc1plus|cc1|ninja|make|ld|ld\.gold|lld|clang.*|g\+\+|c\+\+|ctest|.*_test)$/ ||
      ($2 == "wdrbe" && $1 != own) { count[$2]++ }
    END { sep = ""; for (name in count) { printf "%s%s x%d", sep, name, count[name]; sep = ", " } }'
}

bench_loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# CPU time (user + system) of processes PIDS..., in clock ticks, summed over
# all their threads.
bench_cpu_ticks() {
  local pid total=0 fields
  for pid in "$@"; do
    # Fields 14 and 15 of /proc/PID/stat; the command name (field 2) may
    # hold spaces, so count from after its closing parenthesis.
    fields=$(sed 's/.*) //' "/proc/$pid/stat") || return 1
    total=$((total + $(awk '{print $12 + $13}' <<<"$fields")))
  done
  echo "$total"
}

# bench_wrk OUT SCRIPT URL PIDS CORE CONNECTIONS WARMUP DURATION: a warm-up
# run (discarded), then the measured run of wrk with Lua SCRIPT against URL,
# pinned to CORE; processes PIDS (a space-separated list) are charged the
# CPU time spent meanwhile. Leaves OUT.txt (wrk's output) and OUT.json
# (report.lua's figures plus "cpu_us_per_request").
bench_wrk() {
  local out=$1 script=$2 target=$3 pids=$4 core=$5 conns=$6 warm=$7 measured=$8 cpu_before cpu_after
  echo "bench: $(basename "$out") (${warm}s warm-up, ${measured}s measured)" >&2
  if [[ $warm != 0 ]]; then
    taskset -c "$core" wrk -t1 -c"$conns" -d"${warm}s" --timeout 5s -s "$script" "$target" \
      >"$out.warmup.txt" 2>&1 || bench_die "wrk warm-up of $out failed: $(cat "$out.warmup.txt")"
  fi
  # shellcheck disable=SC2086 # PIDS is a list
  cpu_before=$(bench_cpu_ticks $pids)
  taskset -c "$core" wrk -t1 -c"$conns" -d"${measured}s" --timeout 5s --latency -s "$script" "$target" \
    >"$out.txt" 2>&1 || bench_die "wrk $out failed: $(cat "$out.txt")"
  # shellcheck disable=SC2086
  cpu_after=$(bench_cpu_ticks $pids)
  sed -n 's/^WRK_JSON //p' "$out.txt" |
    jq -c --argjson ticks $((cpu_after - cpu_before)) --argjson hz "$(getconf CLK_TCK)" \
      '. + {cpu_us_per_request: (if .requests > 0 then $ticks * 1e6 / $hz / .requests else 0 end)}' \
      >"$out.json"
  [[ -s $out.json ]] || bench_die "no report from wrk for $out: $(cat "$out.txt")"
}

# bench_start_nginx DIR CORE BODY: Debian's nginx on 127.0.0.1 (a free port),
# one worker, access log off, answering every request 200 with BODY as
# application/json, the external ceiling of HTTP handling on CORE. A
# private configuration and prefix under DIR: the system's nginx service
# and files are never touched. Sets bench_nginx_port and bench_nginx_pids
# (master and worker).
bench_nginx_port=
bench_nginx_pids=
bench_nginx_master=
bench_start_nginx() {
  local dir=$1 core=$2 body=$3 nginx port attempt i
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x $nginx ]] || bench_die "needs nginx (Debian: apt-get install nginx-light) for the external ceiling"
  mkdir -p "$dir/logs" "$dir/tmp"
  for ((attempt = 0; attempt < 20; attempt++)); do
    port=$((20000 + RANDOM % 40000))
    cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '$body';
    }
  }
}
CONF
    taskset -c "$core" "$nginx" -p "$dir" -c "$dir/nginx.conf" >"$dir/logs/stdout.log" 2>&1 &
    bench_nginx_master=$!
    for ((i = 0; i < 50; i++)); do
      bench_nginx_pids=$(pgrep -P "$bench_nginx_master" | tr '\n' ' ' || true)
      if [[ -n $bench_nginx_pids ]] && curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1; then
        bench_nginx_port=$port
        bench_nginx_pids="$bench_nginx_master $bench_nginx_pids"
        return 0
      fi
      kill -0 "$bench_nginx_master" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$bench_nginx_master" 2>/dev/null || true
    wait "$bench_nginx_master" 2>/dev/null || true
  done
  cat "$dir/logs/error.log" >&2
  bench_die "nginx did not start"
}

bench_stop_nginx() {
  [[ -n $bench_nginx_master ]] || return 0
  kill -QUIT "$bench_nginx_master" 2>/dev/null || true
  wait "$bench_nginx_master" 2>/dev/null || true
  bench_nginx_master=
}
