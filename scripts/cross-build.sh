#!/usr/bin/env bash
# Cross-builds aiotools and aioctl for the Linux boards people use at the
# edge (static, -trimpath -ldflags='-s -w'), prints their sizes, and runs
# the arm64 and arm builds under Debian's qemu-user-static: `aiotools demo`
# for a few seconds (its status rounds), and that arch's aioctl asking the
# running demo for its status over the control socket.
#   scripts/cross-build.sh [-tags aiotools_noweb,aiotools_nofleet]
# (those two tags leave the dashboard and the MQTT fleet out: README, On the edge)
# Binaries go to $CROSS_OUT (default bin/cross, ignored by git).
# ./test.sh calls it; it takes about a minute warm (the Go build cache).
set -euo pipefail
cd "$(dirname "$0")/.."
tags=""
if [ "${1:-}" = "-tags" ]; then tags=${2:?-tags needs a value}; fi
out=${CROSS_OUT:-bin/cross}
mkdir -p "$out"

# name GOOS/GOARCH extra-env...
targets=(
  "linux-amd64   amd64"
  "linux-arm64   arm64"
  "linux-armv7   arm GOARM=7"
  "linux-armv6   arm GOARM=6"
  "linux-mipsle  mipsle GOMIPS=softfloat"
  "linux-riscv64 riscv64"
)
printf '%-14s %10s %10s\n' target aiotools aioctl
for t in "${targets[@]}"; do
  read -r name arch extra <<<"$t"
  for cmd in aiotools aioctl; do
    env CGO_ENABLED=0 GOOS=linux GOARCH="$arch" ${extra:+"$extra"} \
      go build -trimpath -ldflags='-s -w' ${tags:+-tags "$tags"} -o "$out/$name/$cmd" "./cmd/$cmd"
  done
  printf '%-14s %10s %10s\n' "$name" "$(stat -c %s "$out/$name/aiotools")" "$(stat -c %s "$out/$name/aioctl")"
done

# Debian's qemu-user-static runs the foreign builds (no binfmt needed: the
# emulator is called by name). The demo's exec services run the host's /bin/sh.
if ! command -v qemu-aarch64-static >/dev/null || ! command -v qemu-arm-static >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
fi

tmp=$(mktemp -d)
chmod 700 "$tmp"
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
selftest() { # name qemu
  local name=$1 qemu=$2 sock=$tmp/$1.sock log=$tmp/$1.log st=$tmp/$1.status
  timeout 60 "$qemu" "$out/$name/aiotools" demo -for 6s -every 1s -socket "$sock" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done # bounded: the emulated start
  timeout 30 "$qemu" "$out/$name/aioctl" --socket "$sock" status >"$st" 2>&1 || { cat "$log" "$st"; echo "$name: aioctl status failed"; return 1; }
  wait "$pid" || { cat "$log"; echo "$name: aiotools demo failed"; return 1; }
  pid=""
  grep -q '^aiotools demo · ' "$log" && grep -q '^[0-9]* tasks: ' "$log" && grep -q '^● blink: status: running since' "$log" &&
    grep -q '^all tasks stopped' "$log" || { cat "$log"; echo "$name: demo status not as expected"; return 1; }
  grep -q 'blink: status: running since' "$st" && grep -q 'answer: status: done .* result: 42' "$st" ||
    { cat "$st"; echo "$name: aioctl status not as expected"; return 1; }
  echo "$name under $qemu${QEMU_CPU:+ -cpu $QEMU_CPU}: demo status rounds and aioctl status OK"
}
selftest linux-arm64 qemu-aarch64-static
# The arm builds on the CPUs of their boards: a Pi Zero/1's ARM1176 (ARMv6),
# a Pi 2's Cortex-A7 (ARMv7), so an instruction their board lacks fails here.
QEMU_CPU=cortex-a7 selftest linux-armv7 qemu-arm-static
QEMU_CPU=arm1176 selftest linux-armv6 qemu-arm-static
