#!/usr/bin/env bash
# Installs everything torchmcu needs on a fresh Debian machine.
#   bash scripts/setup.sh          host toolchain (Python package, pinned torch/executorch)
#   bash scripts/setup.sh --test   also test tools, the Arm cross toolchain, QEMU and ccache
#                                  (ccache keeps the Zephyr sample builds of tests/zephyr in budget)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

if [ "$with_tests" = 1 ]; then
  packages="gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm device-tree-compiler ccache"
  missing=""
  for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      echo "setup: missing Debian packages:$missing (run as root, or install them with sudo apt-get install)" >&2
      exit 1
    fi
  fi
  python3 -m pip install -q -e '.[test]'
else
  python3 -m pip install -q -e .
fi
