#!/usr/bin/env bash
# Installs Debian's tmux for the aioctl shell test (cmd/aioctl), if missing.
# The test runs this itself; ./test.sh may run it up front.
set -euo pipefail
command -v tmux >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo -n" || { echo "install-tmux: not root and no sudo: install tmux by hand" >&2; exit 1; }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq tmux
command -v tmux >/dev/null
