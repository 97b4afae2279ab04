#!/usr/bin/env bash
# Installs Debian's mosquitto broker and its clients (mosquitto_sub,
# mosquitto_pub) for the fleet-mode tests (aiomqtt/mosquitto_test.go), which
# start a private mosquitto on a free loopback port. ./test.sh runs it and
# then requires them: the tests fail rather than skip.
set -euo pipefail
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] && command -v mosquitto_sub >/dev/null 2>&1 && command -v mosquitto_pub >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo -n" || { echo "install-mosquitto: not root and no sudo: install mosquitto mosquitto-clients by hand" >&2; exit 1; }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends mosquitto mosquitto-clients
# The package starts a system broker on port 1883 where there is an init
# system; the tests never use it (they start their own on a free port).
command -v mosquitto_sub >/dev/null && { command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ]; }
