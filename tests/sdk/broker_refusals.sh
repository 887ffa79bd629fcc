#!/usr/bin/env bash
# The real mqbroker refuses each bad plugin with exit code 2 and one line on stderr naming the
# problem (never a crash). Uses the loader test fixtures (tests/unit/plugin_host/fixtures),
# each breaking one rule.
#
#   broker_refusals.sh BUILD_DIR
#
# The plugin directory is a temporary one holding links to the fixtures, to the real plugins
# (a transport fixture is only reached once the store loads) and a file that is not a library.
set -euo pipefail

build="$(cd "${1:?usage: broker_refusals.sh BUILD_DIR}" && pwd)"
broker="$build/bin/mqbroker"
fixtures="$build/test-plugins"
[[ -x "$broker" ]] || { echo "no $broker: build mqbroker first" >&2; exit 1; }
[[ -d "$fixtures" ]] || { echo "no $fixtures: build test_plugin_host first" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mq-refusals.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins" "$work/store" "$work/logs"
for so in "$fixtures"/*.so "$build"/lib/rocketmq-cpp/plugins/*.so; do
  ln -s "$so" "$work/plugins/$(basename "$so")"
done
echo "this is a text file, not a shared object" >"$work/plugins/not-a-plugin.so"
printf 'brokerName=broker-refusals\nbrokerIP1=127.0.0.1\nnamesrvAddr=127.0.0.1:9876\n' >"$work/broker.properties"

failures=0
# check NAME EXPECTED-REGEX KEY=VALUE...
check() {
  local name="$1" expected="$2" rc=0
  shift 2
  local args=(-c "$work/broker.properties" -o "pluginDir=$work/plugins"
    -o "storePathRootDir=$work/store" -o "logDir=$work/logs")
  for kv in "$@"; do args+=(-o "$kv"); done
  env -u LD_LIBRARY_PATH "$broker" "${args[@]}" >"$work/out" 2>"$work/err" </dev/null || rc=$?
  local lines
  lines=$(wc -l <"$work/err")
  if [[ $rc -eq 2 && $lines -eq 1 ]] && grep -Eq "$expected" "$work/err"; then
    echo "ok   $name: $(cat "$work/err")"
  else
    echo "FAIL $name: exit $rc (want 2), $lines stderr lines (want 1), want /$expected/:" >&2
    cat "$work/err" >&2
    failures=$((failures + 1))
  fi
}

check "another SDK ABI major" \
  "fixture-abi.* built for plugin SDK ABI 99\.[0-9]+, but this broker supports ABI [0-9]+\.[0-9]+" \
  storePlugin=fixture-abi
check "a transport where the store goes" \
  "storePlugin: plugin 'fixture-good' .* is a transport plugin, but storePlugin needs a store plugin" \
  storePlugin=fixture-good
check "a store where a transport goes" \
  "transportPlugins: plugin 'fixture-store' .* is a store plugin, but transportPlugins needs a transport plugin" \
  transportPlugins=fixture-store
check "a library without the entry point" \
  "fixture-no-entry.* is not a plugin: it does not export mq_plugin_descriptor" \
  storePlugin=fixture-no-entry
check "a file that is not a library" \
  "cannot load plugin .*not-a-plugin\.so.*" \
  storePlugin=not-a-plugin
check "factory fails" \
  "plugin fixture-fails failed to start: cannot open /nonexistent/socket" \
  transportPlugins=fixture-fails
check "factory throws" \
  "plugin fixture-throws failed to start: plugin fixture-throws threw" \
  transportPlugins=fixture-throws
check "needs a library the host does not have" \
  "cannot load plugin .*fixture-needs-lib\.so.*libfixture_dependency\.so" \
  transportPlugins=fixture-needs-lib
check "another toolchain" \
  "fixture-toolchain.* was built with 'gcc-0\.0/cxx11abi=0/sdk-abi=1\.0', but this broker with '.*'; rebuild" \
  storePlugin=fixture-toolchain
check "file named differently from the plugin" \
  "calls itself 'something-else'" \
  transportPlugins=fixture-misnamed
check "no such plugin" \
  "storePlugin: plugin 'no-such-store' not found: no no-such-store\.so in " \
  storePlugin=no-such-store

if [[ $failures -ne 0 ]]; then
  echo "$failures refusal(s) did not match" >&2
  exit 1
fi
echo "PASS: every bad plugin refused with one line and exit code 2"
