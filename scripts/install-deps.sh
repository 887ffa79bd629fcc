#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, only what is missing.
# Run as root (or with sudo). Safe to run again.
set -euo pipefail

packages=(g++ cmake ninja-build ccache pkgconf make
          libboost1.74-dev libuv1-dev liblmdb-dev libspdlog-dev zlib1g-dev
          libgtest-dev libgmock-dev clang)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node.js runs the interop test with a real third-party client; keep an existing install.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
