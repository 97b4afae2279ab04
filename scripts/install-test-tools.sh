#!/usr/bin/env bash
# Installs, from Debian's packages, the programs the tests drive when they
# are missing: tmux (the aioctl shell, the demo's console and screen), zsh
# and fish (aioctl's completion scripts, tried in the real shells).
# ./test.sh runs it up front; with CI set, the tests fail rather than skip
# when one of them is still missing.
set -euo pipefail
missing=()
for p in tmux zsh fish; do command -v "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo -n" || { echo "install-test-tools: not root and no sudo: install ${missing[*]} by hand" >&2; exit 1; }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
for p in "${missing[@]}"; do command -v "$p" >/dev/null; done
