#!/usr/bin/env bash
# Starts, stops or shows a local cluster from one of the conf/ sample directories:
#
#   scripts/cluster.sh start|stop|status 2m-noslave|2m-2s-sync|2m-2s-async
#
# start: two name servers (127.0.0.1:9876 and 127.0.0.1:9877) and every broker of
# conf/<layout>/ (masters first, then slaves), from build/bin. Run it from the repository
# root: the properties files use relative paths, so stores and logs land in ./data/<broker>/,
# name-server logs in ./data/namesrv-<port>/, pid files and console output in ./data/run/.
# It ends with `mqadmin clusterList`. stop: SIGTERM to every process it started (brokers
# first, so they unregister), waiting up to 15 s each. status: which of them are running,
# then `mqadmin clusterList`. Build first: scripts/build.sh (or cmake --build build).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status 2m-noslave|2m-2s-sync|2m-2s-async" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action="$1"
layout="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
conf="$root/conf/$layout"
bin="$root/build/bin"
data="$PWD/data"
run="$data/run"
namesrv_ports=(9876 9877)
namesrv_addr="127.0.0.1:9876;127.0.0.1:9877"
[ -d "$conf" ] || { echo "no such layout: conf/$layout" >&2; usage; }

# Masters before slaves, so a slave finds its master's address at its first registration.
brokers() {
  for file in "$conf"/broker-?.properties "$conf"/broker-?-s.properties; do
    [ -f "$file" ] && basename "$file" .properties
  done
  return 0
}

running() {
  local pid_file="$run/$1.pid"
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start_process() {
  local name="$1"
  shift
  if running "$name"; then
    echo "$name already running (pid $(cat "$run/$name.pid"))"
    return 0
  fi
  nohup "$@" >"$run/$name.out" 2>&1 &
  echo $! >"$run/$name.pid"
}

# Waits until the process's console says it is up; fails with its output when it exits.
wait_started() {
  local name="$1" marker="$2"
  for _ in $(seq 1 100); do
    if ! running "$name"; then
      echo "$name did not start:" >&2
      cat "$run/$name.out" >&2
      rm -f "$run/$name.pid"
      return 1
    fi
    grep -q "$marker" "$run/$name.out" 2>/dev/null && { echo "$name started (pid $(cat "$run/$name.pid"))"; return 0; }
    sleep 0.1
  done
  echo "$name: no '$marker' after 10 s, see $run/$name.out" >&2
  return 1
}

stop_process() {
  local name="$1"
  local pid_file="$run/$name.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name (pid $pid) still running after 15 s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $name"
  fi
  rm -f "$pid_file"
}

cluster_list() {
  "$bin/mqadmin" clusterList -n "$namesrv_addr" || true
}

case "$action" in
  start)
    for tool in mqnamesrv mqbroker mqadmin; do
      [ -x "$bin/$tool" ] || { echo "$bin/$tool is missing: build first (scripts/build.sh)" >&2; exit 1; }
    done
    mkdir -p "$run"
    for port in "${namesrv_ports[@]}"; do
      mkdir -p "$data/namesrv-$port"
      start_process "namesrv-$port" "$bin/mqnamesrv" -o "listenPort=$port" \
        -o "listenAddress=127.0.0.1" -o "logDir=$data/namesrv-$port/logs"
    done
    for port in "${namesrv_ports[@]}"; do wait_started "namesrv-$port" "boot success"; done
    for broker in $(brokers); do
      mkdir -p "$data/$broker"
      start_process "$broker" "$bin/mqbroker" -c "$conf/$broker.properties"
      wait_started "$broker" "boot success"
    done
    sleep 1
    cluster_list
    ;;
  stop)
    for broker in $(brokers | sort -r); do stop_process "$broker"; done
    for port in "${namesrv_ports[@]}"; do stop_process "namesrv-$port"; done
    ;;
  status)
    for name in "namesrv-9876" "namesrv-9877" $(brokers); do
      if running "$name"; then echo "$name running (pid $(cat "$run/$name.pid"))"; else echo "$name stopped"; fi
    done
    cluster_list
    ;;
  *) usage ;;
esac
