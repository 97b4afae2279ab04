#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser test
# (aioweb TestDashboardInBrowser, driven with chromedp), if missing.
# ./test.sh runs it up front and sets AIOWEB_REQUIRE_BROWSER, so the test
# fails rather than skips there when no browser can be found.
set -euo pipefail
for b in chromium chromium-browser google-chrome; do
  command -v "$b" >/dev/null 2>&1 && exit 0
done
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo -n" || { echo "install-chromium: not root and no sudo: install chromium by hand" >&2; exit 1; }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium
command -v chromium >/dev/null
