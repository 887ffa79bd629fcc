#!/usr/bin/env bash
# Installs what is missing, builds, and starts a local name server (127.0.0.1:9876) and a
# broker (127.0.0.1:10911) on conf/broker.properties, with data and logs under ./data.
# Stop them with: scripts/quickstart.sh stop
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$PWD/data"

if [ "${1:-}" = "stop" ]; then
  for name in mqbroker mqnamesrv; do
    if [ -f "$data/$name.pid" ]; then
      kill "$(cat "$data/$name.pid")" 2>/dev/null || true
      rm -f "$data/$name.pid"
      echo "stopped $name"
    fi
  done
  exit 0
fi

"$root/scripts/install-deps.sh"
(cd "$root" && scripts/build.sh release)
mkdir -p "$data/logs"

start() {
  local name="$1"; shift
  if [ -f "$data/$name.pid" ] && kill -0 "$(cat "$data/$name.pid")" 2>/dev/null; then
    echo "$name already running (pid $(cat "$data/$name.pid"))"
    return 0
  fi
  nohup "$root/build/bin/$name" "$@" >"$data/logs/$name.out" 2>&1 &
  echo $! >"$data/$name.pid"
  sleep 1
  if ! kill -0 "$(cat "$data/$name.pid")" 2>/dev/null; then
    echo "$name did not start:" >&2
    cat "$data/logs/$name.out" >&2
    rm -f "$data/$name.pid"
    return 1
  fi
  echo "$name started (pid $(cat "$data/$name.pid")), output in $data/logs/$name.out"
}

start mqnamesrv -c "$root/conf/namesrv.properties" -o "logDir=$data/logs"
start mqbroker -c "$root/conf/broker.properties" -o "storePathRootDir=$data/store" \
  -o "logDir=$data/logs" || echo "the name server is running without a broker" >&2
echo "name server: 127.0.0.1:9876   try: $root/build/bin/mqadmin clusterList -n 127.0.0.1:9876"
