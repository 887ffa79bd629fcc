#!/usr/bin/env bash
# side-by-side.sh: measures our broker (mqnamesrv + mqbroker, driven by mqbench) and Debian's
# Redis (redis-server with an append-only file, driven by redis-benchmark XADD) in one run on
# one machine, and prints a markdown report.
#
# usage (from anywhere; the repository root is found from this file's location):
#
#   bench/side-by-side.sh                          # full run, about 4 minutes, report on stdout
#   OUT=report.md bench/side-by-side.sh            # also write the report to report.md
#   DURATION=2 BACKLOG=20000 RECOVERY_MB=50 bench/side-by-side.sh   # a quick check (~1 min)
#
# environment:
#   MQ_BIN       directory of mqnamesrv, mqbroker, mqadmin, mqbench (default: <repo>/build/bin)
#   DURATION     seconds per throughput/latency row (default 10)
#   BACKLOG      messages produced before the consume row (default 1000000)
#   RECOVERY_MB  MiB of 1 KiB message bodies written before the SIGKILL row (default 1100,
#                which makes a commit log of about 1.3 GB: records carry ~170 bytes of header)
#   OUT          also write the report to this file (default: stdout only)
#   SKIP_REDIS=1 skip the Redis columns (and do not install Redis)
#   TARGET_*     the "target" column, one variable per row (see "targets" below)
#
# Everything listens on 127.0.0.1 (the broker itself binds 0.0.0.0: it has no listen-address
# key) on ports found free at run time; stores, logs and AOF files live in one temporary
# directory removed on exit; every process started here is stopped on exit. Progress goes to
# stderr, the report to stdout. Redis is installed from Debian (redis-server, redis-tools) with
# apt-get when missing, as scripts/install-deps.sh does, unless SKIP_REDIS=1.
# bench/README.md explains the rows and columns.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MQ_BIN="${MQ_BIN:-$ROOT/build/bin}"
DURATION="${DURATION:-10}"
BACKLOG="${BACKLOG:-1000000}"
RECOVERY_MB="${RECOVERY_MB:-1100}"
OUT="${OUT:-}"
SKIP_REDIS="${SKIP_REDIS:-0}"
BROKER_CONF="$ROOT/conf/broker.properties"
TICKS_PER_S="$(getconf CLK_TCK)"
VALUE_1K="$(head -c 1024 /dev/zero | tr '\0' 'v')"  # the Redis entry's 1 KiB field value

# targets: the goal for each row, printed as is in the "target" column. Only the first comes
# from the repository (docs/BENCHMARKS.md: "400 k msgs/s and more"); set the others from the
# performance issue when running.
TARGET_ASYNC="${TARGET_ASYNC:-≥ 400 k msgs/s and ≥ 1.5× Redis everysec}"
TARGET_SYNC="${TARGET_SYNC:-≥ 0.8× row 1 and ≥ 1.5× Redis always}"
TARGET_BATCH="${TARGET_BATCH:-≥ 1 M msgs/s}"
TARGET_CONSUME="${TARGET_CONSUME:-≥ 1 M msgs/s}"
TARGET_W1_ASYNC="${TARGET_W1_ASYNC:-p50 ≤ 100 µs}"
TARGET_W1_SYNC="${TARGET_W1_SYNC:-p50 ≤ 250 µs}"
TARGET_START_EMPTY="${TARGET_START_EMPTY:-≤ 200 ms}"
TARGET_START_RECOVERY="${TARGET_START_RECOVERY:-≤ 2 s}"
TARGET_UDS_ASYNC="${TARGET_UDS_ASYNC:-≥ row 1}"
TARGET_UDS_SYNC="${TARGET_UDS_SYNC:-≥ row 2}"

for v in DURATION BACKLOG RECOVERY_MB; do
  [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || { echo "side-by-side: $v must be a positive integer" >&2; exit 2; }
done
for b in mqnamesrv mqbroker mqadmin mqbench; do
  [ -x "$MQ_BIN/$b" ] || { echo "side-by-side: $MQ_BIN/$b not found (build with scripts/build.sh release, or set MQ_BIN)" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")"
PIDS=()       # every background process started by this script
SOCKETS=()    # Unix sockets the brokers create in /tmp (left behind by a SIGKILL)
declare -A R  # results: R[row.field]
COMMANDS=()   # the commands run, with ports and paths replaced by their variable names
NOTES=()      # lines for the report's notes

# ---------------------------------------------------------------------------------------------
# plumbing

log() { echo "[side-by-side $(date +%H:%M:%S)] $*" >&2; }
die() { log "error: $*"; exit 1; }

alive() {  # alive PID: the process exists and is not a zombie
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != Z ]
}

stop_pid() {  # stop_pid PID: SIGTERM, up to 10 s to exit, then SIGKILL; reaps it
  local pid=$1 i
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

forget_pid() {  # forget_pid PID: drop it from PIDS once it is gone
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

stop_all() {  # stops every process started here, newest first, and removes what they left
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  PIDS=()
  for i in "${SOCKETS[@]}"; do rm -f "$i"; done
  SOCKETS=()
}

# run_fg COMMAND...: runs COMMAND as a background child and waits for it, so that a SIGINT or
# SIGTERM to this script is handled at once (bash defers traps until a foreground child ends)
# and stop_all reaches the child. Returns the command's status.
run_fg() {
  local pid rc=0
  "$@" &
  pid=$!
  PIDS+=("$pid")
  wait "$pid" || rc=$?
  forget_pid "$pid"
  return "$rc"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

note_cmd() {  # note_cmd WORDS...: remembers a command for the report, once, in generic form
  local c="" word
  for word in "$@"; do
    [ -z "$word" ] && word='""'  # an empty argument stays visible
    c+="${c:+ }$word"
  done
  c="${c//"$VALUE_1K"/\$VALUE_1K}"
  c="${c//"$WORK"/\$D}"
  c="${c//"$MQ_BIN"/\$MQ_BIN}"
  c="${c//"$ROOT/"/}"
  [ -n "${NSPORT:-}" ] && c="${c//127.0.0.1:$NSPORT/127.0.0.1:\$NSPORT}" && c="${c//listenPort=$NSPORT /listenPort=\$NSPORT }"
  [ -n "${BPORT:-}" ] && c="${c//127.0.0.1:$BPORT/127.0.0.1:\$BPORT}" && c="${c//listenPort=$BPORT /listenPort=\$BPORT }"
  [ -n "${RPORT:-}" ] && c="${c//-p $RPORT /-p \$P }" && c="${c//--port $RPORT /--port \$P }"
  # shellcheck disable=SC2016
  c="$(sed -E 's#\$D/([a-z]+)-[0-9]+#$D/\1#g' <<<"$c")"  # $D/broker-23911 -> $D/broker
  local seen
  for seen in "${COMMANDS[@]}"; do [ "$seen" = "$c" ] && return 0; done
  COMMANDS+=("$c")
}

free_port() {  # free_port OFFSET...: a port P such that P+OFFSET is free for every OFFSET
  python3 - "$@" <<'PY'
import os, random, socket, sys
offsets = [int(x) for x in sys.argv[1:]] or [0]
for _ in range(2000):
    p = random.randint(20000, 32000)  # below the ephemeral range, away from 39876/39911 etc.
    ok = True
    for o in offsets:
        if os.path.exists(f"/tmp/rocketmq-{p + o}.sock"):  # our client would dial that socket
            ok = False
            break
        s = socket.socket()
        try:
            s.bind(("0.0.0.0", p + o))  # no SO_REUSEADDR: TIME_WAIT counts as taken too
        except OSError:
            ok = False
        finally:
            s.close()
        if not ok:
            break
    if ok:
        print(p)
        sys.exit(0)
sys.exit("no free port found")
PY
}

wait_tcp() {  # wait_tcp PORT SECONDS: until 127.0.0.1:PORT accepts a connection
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.01
  done
}

now_ns() { date +%s%N; }

cpu_ticks() {  # cpu_ticks PID: utime + stime of the whole process, in clock ticks
  local stat
  stat="$(<"/proc/$1/stat")"
  stat="${stat##*) }"  # after the command name, which may contain spaces
  # shellcheck disable=SC2086
  set -- $stat  # $1 is field 3 (state), so utime (14) is $12 and stime (15) is $13
  echo $((${12} + ${13}))
}

rss_anon_kb() {  # rss_anon_kb PID: RssAnon from /proc/PID/status, in kB
  local key value _
  while read -r key value _; do
    [ "$key" = "RssAnon:" ] && { echo "$value"; return 0; }
  done <"/proc/$1/status"
  echo 0
}

SAMPLER_PID=""
SAMPLER_FILE=""
start_sampler() {  # start_sampler PID: records the peak RssAnon of PID every 200 ms
  local pid=$1
  SAMPLER_FILE="$WORK/rss-peak.$RANDOM"
  rss_anon_kb "$pid" >"$SAMPLER_FILE"
  (
    high=$(<"$SAMPLER_FILE")
    while kill -0 "$pid" 2>/dev/null; do
      v=$(rss_anon_kb "$pid" 2>/dev/null || echo 0)
      if ((v > high)); then high=$v; echo "$high" >"$SAMPLER_FILE"; fi
      sleep 0.2
    done
  ) &
  SAMPLER_PID=$!
  PIDS+=("$SAMPLER_PID")
}

stop_sampler() {  # stop_sampler PID: stops the sampler, sets PEAK_KB (one last sample included)
  local pid=$1 last
  last=$(rss_anon_kb "$pid" 2>/dev/null || echo 0)
  stop_pid "$SAMPLER_PID"
  forget_pid "$SAMPLER_PID"
  PEAK_KB=$(<"$SAMPLER_FILE")
  if ((last > PEAK_KB)); then PEAK_KB=$last; fi
  rm -f "$SAMPLER_FILE"
}

# measure PID COMMAND...: runs COMMAND while watching PID; sets M_RC, M_TICKS (CPU ticks of PID
# during COMMAND), M_IDLE_KB (RssAnon before) and M_PEAK_KB (peak RssAnon during).
measure() {
  local pid=$1 t0 t1
  shift
  M_IDLE_KB=$(rss_anon_kb "$pid")
  t0=$(cpu_ticks "$pid")
  start_sampler "$pid"
  M_RC=0
  "$@" || M_RC=$?
  t1=$(cpu_ticks "$pid" 2>/dev/null || echo "$t0")
  stop_sampler "$pid"
  M_PEAK_KB=$PEAK_KB
  M_TICKS=$((t1 - t0))
}

cpu_us_per_msg() {  # cpu_us_per_msg TICKS MESSAGES
  awk -v t="$1" -v n="$2" -v hz="$TICKS_PER_S" \
    'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "n/a" }'
}

# ---------------------------------------------------------------------------------------------
# our broker

NS_PID=""
NSPORT=""
start_namesrv() {  # start_namesrv: a name server on 127.0.0.1:$NSPORT, logs in $WORK/ns-*
  NSPORT=$(free_port 0)
  local dir="$WORK/ns-$NSPORT"
  mkdir -p "$dir"
  note_cmd "$MQ_BIN/mqnamesrv -o listenPort=$NSPORT -o listenAddress=127.0.0.1 -o logDir=$dir/logs -o logLevel=warn"
  "$MQ_BIN/mqnamesrv" -o "listenPort=$NSPORT" -o listenAddress=127.0.0.1 -o "logDir=$dir/logs" \
    -o logLevel=warn >"$dir/namesrv.out" 2>&1 &
  NS_PID=$!
  PIDS+=("$NS_PID")
  wait_tcp "$NSPORT" 10 || die "mqnamesrv did not listen on $NSPORT: $(tail -5 "$dir/namesrv.out")"
}

BROKER_PID=""
BPORT=""
BROKER_T0=0
SERVE_MS=0
# start_broker FLUSH TRANSPORTS STORE_DIR: launches mqbroker and waits until brokerStatus
# answers (SERVE_MS: milliseconds from the launch). The broker listens on $BPORT, its fast port
# $BPORT-2 and its HA port $BPORT+1, all checked free; with transport-uds it also serves
# /tmp/rocketmq-$BPORT.sock (unixSocketDir=/tmp: where mqbench's client looks).
start_broker() {
  local flush=$1 transports=$2 store=$3
  BPORT=$(free_port -2 0 1)
  local dir="$WORK/broker-$BPORT"
  mkdir -p "$dir"
  local args=(-c "$BROKER_CONF" -o "namesrvAddr=127.0.0.1:$NSPORT" -o "listenPort=$BPORT"
    -o "storePathRootDir=$store" -o "logDir=$dir/logs" -o logLevel=warn
    -o "flushDiskType=$flush" -o "transportPlugins=$transports")
  if [[ "$transports" == *transport-uds* ]]; then
    args+=(-o unixSocketDir=/tmp)
    SOCKETS+=("/tmp/rocketmq-$BPORT.sock")
  fi
  note_cmd "$MQ_BIN/mqbroker ${args[*]}"
  BROKER_T0=$(now_ns)
  "$MQ_BIN/mqbroker" "${args[@]}" >"$dir/broker.out" 2>&1 &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_serving "$dir/broker.out"
}

wait_serving() {  # polls brokerStatus every 10 ms until it answers; sets SERVE_MS
  local out=$1 deadline=$((SECONDS + 600))
  note_cmd "$MQ_BIN/mqadmin brokerStatus -b 127.0.0.1:$BPORT"
  until "$MQ_BIN/mqadmin" brokerStatus -b "127.0.0.1:$BPORT" >/dev/null 2>&1; do
    kill -0 "$BROKER_PID" 2>/dev/null || die "mqbroker exited while starting: $(tail -5 "$out")"
    ((SECONDS < deadline)) || die "mqbroker did not answer brokerStatus within 600 s"
    sleep 0.01
  done
  SERVE_MS=$((($(now_ns) - BROKER_T0) / 1000000))
}

broker_status_field() {  # broker_status_field KEY: one value of the broker's runtime table
  "$MQ_BIN/mqadmin" brokerStatus -b "127.0.0.1:$BPORT" 2>/dev/null |
    awk -v k="$1" -F' *: *' '$1 == k { print $2 }'
}

create_topic() {
  note_cmd "$MQ_BIN/mqadmin updateTopic -n 127.0.0.1:$NSPORT -b 127.0.0.1:$BPORT -t Bench -r 4 -w 4"
  "$MQ_BIN/mqadmin" updateTopic -n "127.0.0.1:$NSPORT" -b "127.0.0.1:$BPORT" -t Bench -r 4 -w 4 \
    >"$WORK/updateTopic.out" 2>&1 || die "updateTopic failed: $(cat "$WORK/updateTopic.out")"
}

STORE=""
start_stack() {  # start_stack FLUSH TRANSPORTS: fresh store, name server, broker, topic Bench
  STORE="$WORK/store-$RANDOM$RANDOM"
  start_namesrv
  start_broker "$1" "$2" "$STORE"
  create_topic
}

stop_broker() {
  stop_pid "$BROKER_PID"
  forget_pid "$BROKER_PID"
}

stop_stack() {  # stops the broker and the name server and deletes the store
  stop_broker
  stop_pid "$NS_PID"
  forget_pid "$NS_PID"
  rm -rf "$STORE" "/tmp/rocketmq-$BPORT.sock"
}

# run_mqbench OUTFILE TIMEOUT_S ARGS...: one mqbench run with --json, killed after TIMEOUT_S
run_mqbench() {
  local out=$1 limit=$2
  shift 2
  note_cmd "$MQ_BIN/mqbench $* --json"
  run_fg timeout -k 5 "$limit" "$MQ_BIN/mqbench" "$@" --json >"$out" 2>"$out.err"
}

# read_mqbench FILE LATENCY_KEY: prints "messages msgs_per_s p50_us p99_us errors" from the JSON
# summary (errors: "none" or the error object, compact).
read_mqbench() {
  python3 - "$1" "$2" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
line = next((l for l in reversed(text.splitlines()) if l.startswith("{")), "")
try:
    d = json.loads(line)
    lat = d.get(sys.argv[2], {})
    errors = d.get("errors") or {}
    err = "none" if not errors else json.dumps(errors, separators=(",", ":")).replace(" ", "_")
    print(d["messages"], d["msgs_per_s"], lat.get("p50", 0), lat.get("p99", 0), err)
except (ValueError, KeyError):
    # mqbench does not escape error texts: fall back to the numbers
    num = lambda k: (re.search(r'"%s":([0-9.]+)' % re.escape(k), line) or [0, 0])[1]
    print(num("messages"), num("msgs_per_s"), num("p50"), num("p99"),
          "unparsed" if line else "no_summary")
PY
}

# bench_row ROW TIMEOUT_S MQBENCH_ARGS...: runs mqbench against the running broker, records
# R[ROW.msgs|rate|p50|p99|errors|cpu|idle|peak]
bench_row() {
  local row=$1 limit=$2
  shift 2
  local out="$WORK/$row.json" latkey="send-ack_us"
  [ "$1" = consume ] && latkey="pull_us"
  measure "$BROKER_PID" run_mqbench "$out" "$limit" "$@"
  local msgs rate p50 p99 errors
  read -r msgs rate p50 p99 errors < <(read_mqbench "$out" "$latkey")
  if [ "$M_RC" -ne 0 ]; then
    errors="mqbench exit $M_RC: $(tail -c 200 "$out.err" | tr '\n' ' ')"
    log "$row: $errors"
  fi
  R[$row.msgs]=$msgs R[$row.rate]=$rate R[$row.p50]=$p50 R[$row.p99]=$p99 R[$row.errors]=$errors
  R[$row.cpu]=$(cpu_us_per_msg "$M_TICKS" "$msgs") R[$row.idle]=$M_IDLE_KB R[$row.peak]=$M_PEAK_KB
  log "$row: $msgs messages, $rate msgs/s, p50 ${p50} us, p99 ${p99} us, errors $errors"
}

ours_produce_row() {  # ours_produce_ROW ROW FLUSH TRANSPORTS MQBENCH_EXTRA_ARGS...
  local row=$1 flush=$2 transports=$3
  shift 3
  log "$row: $flush, $transports, mqbench produce $*"
  start_stack "$flush" "$transports"
  local check="" check_pid=""
  if [[ "$transports" == *transport-uds* ]]; then
    # Is the client on the socket? Count the connections to it a second into the run.
    check="$WORK/$row.uds"
    (sleep 1; ss -xn 2>/dev/null | grep -c "/tmp/rocketmq-$BPORT.sock" >"$check" || true) &
    check_pid=$!
    PIDS+=("$check_pid")
  fi
  # A TCP row stays on TCP even if a socket of that port is left over in /tmp.
  local local_socket=()
  [[ "$transports" == *transport-uds* ]] || local_socket=(--unix-socket-dir "")
  bench_row "$row" $((DURATION + 60)) produce -n "127.0.0.1:$NSPORT" -t Bench -s 1024 "$@" \
    "${local_socket[@]}" -d "$DURATION"
  if [ -n "$check" ]; then
    stop_pid "$check_pid"
    forget_pid "$check_pid"
    R[$row.uds]=$(cat "$check" 2>/dev/null || echo 0)
  fi
  stop_stack
}

row_backlog() {  # 4: produce BACKLOG messages, then consume them all
  log "consume: producing a backlog of $BACKLOG messages"
  start_stack ASYNC_FLUSH transport-tcp
  local out="$WORK/backlog-produce.json" made
  run_mqbench "$out" $((BACKLOG / 2000 + 120)) produce -n "127.0.0.1:$NSPORT" -t Bench -s 1024 \
    -b 32 -w 8 -c "$BACKLOG" --unix-socket-dir "" ||
    log "consume: backlog produce failed: $(tail -c 200 "$out.err")"
  read -r made _ < <(read_mqbench "$out" send-ack_us)
  R[consume.backlog]=$made
  if [ "${made:-0}" -gt 0 ]; then
    # mqbench consume pulls every queue until it is caught up (-c is a cap, -d a time limit).
    bench_row consume $((made / 2000 + 120)) consume -n "127.0.0.1:$NSPORT" -t Bench -c "$made" \
      -d 300 --unix-socket-dir ""
  fi
  stop_stack
}

row_start_empty() {  # 6a: launch to the first brokerStatus answer, empty store
  log "start: empty store"
  STORE="$WORK/store-start"
  start_namesrv
  start_broker ASYNC_FLUSH transport-tcp "$STORE"
  R[start_empty.ms]=$SERVE_MS
  local t0
  t0=$(now_ns)
  "$MQ_BIN/mqadmin" brokerStatus -b "127.0.0.1:$BPORT" >/dev/null 2>&1 || true
  R[poll.ms]=$((($(now_ns) - t0) / 1000000))
  sleep 1
  R[start_empty.idle]=$(rss_anon_kb "$BROKER_PID")
  log "start: empty store serving after $SERVE_MS ms, RssAnon ${R[start_empty.idle]} kB"
  stop_stack
}

row_start_recovery() {  # 6b: the same after SIGKILL of a broker with RECOVERY_MB of bodies
  local count=$((RECOVERY_MB * 1024))
  log "start: writing $count messages of 1 KiB (RECOVERY_MB=$RECOVERY_MB), then SIGKILL"
  STORE="$WORK/store-recovery"
  start_namesrv
  start_broker ASYNC_FLUSH transport-tcp "$STORE"
  create_topic
  local out="$WORK/recovery-produce.json" made
  run_mqbench "$out" $((count / 2000 + 120)) produce -n "127.0.0.1:$NSPORT" -t Bench -s 1024 \
    -w 256 -c "$count" || log "recovery: produce failed: $(tail -c 200 "$out.err")"
  read -r made _ < <(read_mqbench "$out" send-ack_us)
  local before
  before=$(broker_status_field commitLogMaxOffset)
  note_cmd "kill -9 \$BROKER_PID   # then the same mqbroker command on the same storePathRootDir"
  kill -KILL "$BROKER_PID"
  wait "$BROKER_PID" 2>/dev/null || true
  forget_pid "$BROKER_PID"
  start_broker ASYNC_FLUSH transport-tcp "$STORE"
  R[start_recovery.ms]=$SERVE_MS
  R[start_recovery.msgs]=$made
  R[start_recovery.before]=$before
  R[start_recovery.after]=$(broker_status_field commitLogMaxOffset)
  sleep 1
  R[start_recovery.idle]=$(rss_anon_kb "$BROKER_PID")
  log "start: after SIGKILL with $before bytes of commit log: serving after $SERVE_MS ms," \
    "log end ${R[start_recovery.after]}, RssAnon ${R[start_recovery.idle]} kB"
  if [ "${R[start_recovery.after]}" != "$before" ]; then
    NOTES+=("Row 6b: the commit log ended at $before before the SIGKILL and at ${R[start_recovery.after]:-?} after the restart.")
  fi
  stop_stack
}

# ---------------------------------------------------------------------------------------------
# Redis

ensure_redis() {  # installs Debian's redis-server and redis-tools when missing
  if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null &&
    command -v redis-cli >/dev/null; then
    return 0
  fi
  log "installing redis-server redis-tools (Debian packages)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    redis-server redis-tools >&2
}

REDIS_PID=""
RPORT=""
REDIS_DIR=""
start_redis() {  # start_redis FSYNC: a fresh redis-server with an AOF, on 127.0.0.1:$RPORT
  RPORT=$(free_port 0)
  REDIS_DIR="$WORK/redis-$RPORT"
  mkdir -p "$REDIS_DIR"
  note_cmd "redis-server --port $RPORT --bind 127.0.0.1 --dir $REDIS_DIR --appendonly yes --appendfsync $1 --save ''"
  redis-server --port "$RPORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --appendonly yes \
    --appendfsync "$1" --save '' >"$REDIS_DIR/redis.out" 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  local deadline=$((SECONDS + 20))
  until [ "$(redis-cli -h 127.0.0.1 -p "$RPORT" ping 2>/dev/null)" = PONG ]; do
    kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server exited: $(tail -5 "$REDIS_DIR/redis.out")"
    ((SECONDS < deadline)) || die "redis-server did not answer PING"
    sleep 0.01
  done
}

stop_redis() {
  stop_pid "$REDIS_PID"
  forget_pid "$REDIS_PID"
  rm -rf "$REDIS_DIR"
}

# run_redis_benchmark OUTFILE CLIENTS PIPELINE N: XADD of one 1 KiB field, CSV summary in OUTFILE
run_redis_benchmark() {
  local out=$1 clients=$2 pipeline=$3 n=$4
  note_cmd "redis-benchmark -h 127.0.0.1 -p $RPORT -c $clients -P $pipeline -n \$N -q --csv XADD bench '*' f $VALUE_1K"
  run_fg timeout -k 5 $((DURATION * 5 + 120)) redis-benchmark -h 127.0.0.1 -p "$RPORT" -c "$clients" \
    -P "$pipeline" -n "$n" -q --csv XADD bench '*' f "$VALUE_1K" >"$out" 2>"$out.err"
}

# read_redis_csv FILE: prints "requests_per_s p50_us p99_us" from redis-benchmark's --csv output.
# Debian 12's redis-benchmark 7.0 prints a header and one line per test:
#   "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
#   "XADD bench * f vvvv...","250669.23","2.601","0.400","2.527","4.999","7.639","13.111"
# (Redis before 6.2 printed only "test","rps" lines, without a header: rps is read from column 2.)
read_redis_csv() {
  python3 - "$1" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1])) if r]
header = rows[0] if rows and "rps" in rows[0] else None
data = [r for r in rows if r is not header]
if not data:
    print(0, 0, 0)
    sys.exit()
r = data[-1]
def field(name, default_index=None):
    if header and name in header:
        return float(r[header.index(name)])
    return float(r[default_index]) if default_index is not None else 0.0
print("%.1f" % field("rps", 1), int(field("p50_latency_ms") * 1000), int(field("p99_latency_ms") * 1000))
PY
}

# redis_row ROW FSYNC CLIENTS PIPELINE: a calibration run on a throwaway server sets N so that
# the measured run takes about DURATION seconds, then a fresh server takes N XADDs.
redis_row() {
  local row=$1 fsync=$2 clients=$3 pipeline=$4
  local cal_n=$((clients * pipeline * 100))
  ((cal_n > 50000)) && cal_n=50000
  ((cal_n < 2000)) && cal_n=2000
  log "$row: redis appendfsync $fsync, $clients clients x pipeline $pipeline (calibrating)"
  start_redis "$fsync"
  local cal="$WORK/$row.cal.csv" rate
  run_redis_benchmark "$cal" "$clients" "$pipeline" "$cal_n" || true
  read -r rate _ < <(read_redis_csv "$cal")
  stop_redis
  local n
  n=$(awk -v r="$rate" -v d="$DURATION" -v c="$cal_n" 'BEGIN { n = int(r * d); print (n > c ? n : c) }')
  start_redis "$fsync"
  local out="$WORK/$row.csv"
  measure "$REDIS_PID" run_redis_benchmark "$out" "$clients" "$pipeline" "$n"
  local p50 p99
  read -r rate p50 p99 < <(read_redis_csv "$out")
  R[$row.errors]=none
  if [ "$M_RC" -ne 0 ]; then
    R[$row.errors]="redis-benchmark exit $M_RC: $(tail -c 200 "$out.err" | tr '\n' ' ')"
    log "$row: ${R[$row.errors]}"
  fi
  R[$row.msgs]=$n R[$row.rate]=$rate R[$row.p50]=$p50 R[$row.p99]=$p99
  R[$row.cpu]=$(cpu_us_per_msg "$M_TICKS" "$n") R[$row.idle]=$M_IDLE_KB R[$row.peak]=$M_PEAK_KB
  log "$row: $n XADDs, $rate requests/s, p50 ${p50} us, p99 ${p99} us"
  stop_redis
}

# ---------------------------------------------------------------------------------------------
# the report

thousands() {  # 1234567.8 -> 1,234,568
  local n
  n=$(printf '%.0f' "${1:-0}")
  while [[ $n =~ ^([0-9]+)([0-9]{3})(.*)$ ]]; do n="${BASH_REMATCH[1]},${BASH_REMATCH[2]}${BASH_REMATCH[3]}"; done
  echo "$n"
}

micros() {  # 2240 -> 2.2 ms, 208 -> 208 µs
  awk -v u="${1:-0}" 'BEGIN { if (u >= 1000) printf "%.1f ms", u / 1000; else printf "%d µs", u }'
}

mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

cell_rate() {  # cell_rate ROW UNIT: "N UNIT, p50 X, p99 Y" (+ errors)
  local row=$1 unit=$2
  [ -n "${R[$row.rate]:-}" ] || { echo "not run"; return; }
  local s
  s="$(thousands "${R[$row.rate]}") $unit, p50 $(micros "${R[$row.p50]}"), p99 $(micros "${R[$row.p99]}")"
  [ "${R[$row.errors]:-none}" != none ] && s="$s, **errors: ${R[$row.errors]}**"
  echo "$s"
}

cell_latency() {  # cell_latency ROW UNIT: "p50 X, p99 Y (N UNIT)"
  local row=$1 unit=$2
  [ -n "${R[$row.rate]:-}" ] || { echo "not run"; return; }
  local s
  s="p50 $(micros "${R[$row.p50]}"), p99 $(micros "${R[$row.p99]}") ($(thousands "${R[$row.rate]}") $unit)"
  [ "${R[$row.errors]:-none}" != none ] && s="$s, **errors: ${R[$row.errors]}**"
  echo "$s"
}

redis_cell() {  # redis_cell ROW MODE
  if [ "$SKIP_REDIS" = 1 ]; then echo "skipped"; return; fi
  if [ "$2" = latency ]; then cell_latency "$1" "req/s"; else cell_rate "$1" "req/s"; fi
}

uds_cell() {  # uds_cell ROW
  local s
  s="$(cell_rate "$1" msgs/s)"
  if [ "${R[$1.uds]:-0}" -gt 0 ] 2>/dev/null; then
    s="$s (client on the socket: ${R[$1.uds]} connection(s))"
  else
    s="$s (**client not seen on the socket: this ran over TCP**)"
  fi
  echo "$s"
}

usage_row() {  # usage_row LABEL ROW [SYSTEM]: a line of the CPU/memory table
  local label=$1 row=$2
  [ -n "${R[$row.msgs]:-}" ] || { echo "| $label | not run | | | |"; return; }
  echo "| $label | $(thousands "${R[$row.msgs]}") | ${R[$row.cpu]} | $(mib "${R[$row.idle]}") | $(mib "${R[$row.peak]}") |"
}

machine_line() {
  local model mem
  model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "Machine: $(nproc) CPUs (${model:-unknown}), $mem RAM, Linux $(uname -r)," \
    "$(df -T "$WORK" | awk 'NR == 2 { print $2 " on " $1 }') for stores and AOF files; $(date -u '+%Y-%m-%d %H:%M UTC')."
}

report() {
  local redis_version="not run"
  [ "$SKIP_REDIS" = 1 ] || redis_version=$(redis-server --version | awk '{ sub("v=", "", $3); print $3 }')
  echo "# Our broker and Redis, side by side"
  echo
  machine_line
  echo "Load average before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)." \
    "Broker: $MQ_BIN ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', work tree modified'))," \
    "Redis: ${redis_version}. DURATION=${DURATION} s per row, BACKLOG=${BACKLOG}, RECOVERY_MB=${RECOVERY_MB}."
  echo "Client and server share the machine; 1 KiB bodies; loopback."
  echo
  echo "| workload | ours | Redis AOF everysec | Redis AOF always | target |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| 1. produce, 1 producer × 256 in flight, ASYNC_FLUSH, TCP | $(cell_rate async msgs/s) | $(redis_cell redis_everysec rate) | – | $TARGET_ASYNC |"
  echo "| 2. produce, 1 producer × 256 in flight, SYNC_FLUSH, TCP | $(cell_rate sync msgs/s) | – | $(redis_cell redis_always rate) | $TARGET_SYNC |"
  echo "| 3. produce, batches of 32, 8 batches in flight, ASYNC_FLUSH | $(cell_rate batch msgs/s) (latency per batch) | – | – | $TARGET_BATCH |"
  echo "| 4. consume a backlog of $(thousands "${R[consume.backlog]:-0}") messages | $(cell_rate consume msgs/s) (latency per pull of ≤ 32) | – | – | $TARGET_CONSUME |"
  echo "| 5a. one send at a time, ASYNC_FLUSH | $(cell_latency w1_async msgs/s) | $(redis_cell redis_everysec_c1 latency) | – | $TARGET_W1_ASYNC |"
  echo "| 5b. one send at a time, SYNC_FLUSH | $(cell_latency w1_sync msgs/s) | – | $(redis_cell redis_always_c1 latency) | $TARGET_W1_SYNC |"
  echo "| 6a. launch to first brokerStatus answer, empty store | ${R[start_empty.ms]:-?} ms | – | – | $TARGET_START_EMPTY |"
  echo "| 6b. the same after SIGKILL with $(mib $((${R[start_recovery.before]:-0} / 1024))) of commit log ($(thousands "${R[start_recovery.msgs]:-0}") messages) | ${R[start_recovery.ms]:-?} ms | – | – | $TARGET_START_RECOVERY |"
  echo "| 7a. as 1, client over the Unix socket | $(uds_cell uds_async) | – | – | $TARGET_UDS_ASYNC |"
  echo "| 7b. as 2, client over the Unix socket | $(uds_cell uds_sync) | – | – | $TARGET_UDS_SYNC |"
  echo
  echo "Redis loads: \`redis-benchmark -c 50 -P 16\` (800 requests in flight) for rows 1–2 and" \
    "\`-c 1 -P 1\` (one at a time) for rows 5a–5b, each request \`XADD bench * f <1 KiB>\`;" \
    "each Redis column sits on the row with the same durability (everysec ≈ ASYNC_FLUSH:" \
    "acknowledged before the fsync; always ≈ SYNC_FLUSH: fsync before the reply)." \
    "Redis latencies are redis-benchmark's (per request, pipeline included); ours are mqbench's" \
    "send-to-acknowledgement times. Polling resolution of rows 6a/6b: one brokerStatus call" \
    "took ${R[poll.ms]:-?} ms, plus the 10 ms poll interval."
  echo
  echo "| process / workload | messages | CPU µs per message | RssAnon idle (before) | RssAnon peak (during) |"
  echo "| --- | --- | --- | --- | --- |"
  usage_row "ours, 1. ASYNC_FLUSH × 256" async
  usage_row "ours, 2. SYNC_FLUSH × 256" sync
  usage_row "ours, 3. batches of 32" batch
  usage_row "ours, 4. consume backlog" consume
  usage_row "ours, 5a. one at a time, ASYNC_FLUSH" w1_async
  usage_row "ours, 5b. one at a time, SYNC_FLUSH" w1_sync
  usage_row "ours, 7a. UDS, ASYNC_FLUSH × 256" uds_async
  usage_row "ours, 7b. UDS, SYNC_FLUSH × 256" uds_sync
  echo "| ours, 6a. idle after start, empty store | | | $(mib "${R[start_empty.idle]:-0}") | |"
  echo "| ours, 6b. idle after recovery | | | $(mib "${R[start_recovery.idle]:-0}") | |"
  if [ "$SKIP_REDIS" != 1 ]; then
    usage_row "redis-server, AOF everysec, 50 × P16" redis_everysec
    usage_row "redis-server, AOF always, 50 × P16" redis_always
    usage_row "redis-server, AOF everysec, one at a time" redis_everysec_c1
    usage_row "redis-server, AOF always, one at a time" redis_always_c1
  fi
  echo
  echo "CPU: utime + stime of the server process (all threads) from /proc/PID/stat over the load" \
    "run, divided by the messages acknowledged (clock tick = $((1000000 / TICKS_PER_S)) µs). RssAnon:" \
    "/proc/PID/status, sampled every 200 ms. The broker's commit log is mapped file memory, not" \
    "anonymous; Redis keeps every stream entry in anonymous memory."
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo
    printf -- '- %s\n' "${NOTES[@]}"
  fi
  echo
  echo "Commands (\$D: a fresh directory per process; \$NSPORT, \$BPORT, \$P: free ports; a fresh"
  echo "store and name server per row; \$VALUE_1K: 1024 × 'v'):"
  echo
  echo '```'
  printf '%s\n' "${COMMANDS[@]}"
  echo '```'
}

# ---------------------------------------------------------------------------------------------
# the run

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$SKIP_REDIS" = 1 ] || ensure_redis

ours_produce_row async ASYNC_FLUSH transport-tcp -w 256
ours_produce_row sync SYNC_FLUSH transport-tcp -w 256
ours_produce_row batch ASYNC_FLUSH transport-tcp -b 32 -w 8
row_backlog
ours_produce_row w1_async ASYNC_FLUSH transport-tcp -w 1
ours_produce_row w1_sync SYNC_FLUSH transport-tcp -w 1
row_start_empty
row_start_recovery
# 7: the broker serves TCP and /tmp/rocketmq-$BPORT.sock; our client (mqbench's Producer, with
# its default unix_socket_dir=/tmp) dials the socket by itself for a 127.0.0.1 broker whose
# socket exists (core/net/local_socket.cpp prefer_local_socket). The name server stays on TCP.
# The row checks with ss that the client really is on the socket.
ours_produce_row uds_async ASYNC_FLUSH transport-tcp,transport-uds -w 256
ours_produce_row uds_sync SYNC_FLUSH transport-tcp,transport-uds -w 256

if [ "$SKIP_REDIS" != 1 ]; then
  redis_row redis_everysec everysec 50 16
  redis_row redis_always always 50 16
  redis_row redis_everysec_c1 everysec 1 1
  redis_row redis_always_c1 always 1 1
fi

report >"$WORK/report.md"
cat "$WORK/report.md"
if [ -n "$OUT" ]; then
  cp "$WORK/report.md" "$OUT"
  log "report written to $OUT"
fi
