#!/usr/bin/env bash
# The core under TinyGo 0.34 (the kit in ../shared/toolchains/tinygo, built
# once into ~/.cache/aiotools/tinygo by scripts/tinygo-env.sh): the core
# packages' tests (the files not marked //go:build !tinygo) on riscv-qemu
# (RISC-V, 1 MB flash, 1 MB RAM), the smallest package's also on
# cortex-m-qemu (Cortex-M3, 256 KB flash), and the Pico example built for
# -target=pico with its size. go.tinygo.mod (go 1.23) stands in for go.mod
# through GOFLAGS=-modfile, so go.mod stays at Go 1.26.
# ./test.sh calls it. Without the kit it says so loudly and stops (exit 0):
# the kit is a file of the workplace, not of this repository, and a machine
# without it cannot build TinyGo from the package registries alone.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tinygo-env.sh
source scripts/tinygo-env.sh
tinygo_env
if [ "${TINYGO_KIT_MISSING:-}" = 1 ]; then
  echo "tinygo-test: WARNING: no TinyGo kit found (looked in \$TINYGO_KIT, ../shared/toolchains/tinygo, /work/shared/toolchains/tinygo): the TinyGo tests were NOT run"
  exit 0
fi
export GOFLAGS="-buildvcs=false -modfile=$PWD/go.tinygo.mod" GOTOOLCHAIN=local
# Goroutines with slog, fmt and encoding/json on their stacks need more than
# the targets' 4 KB default, which TinyGo cannot always size by itself.
stack=-stack-size=16KB
# LLVM 16 warns about RISC-V features it does not know; harmless (kit README).
quiet() { grep -v "is not a recognized feature for this target" || true; }
run() { # timeout: a deadlocked program hangs qemu forever
  local secs=$1; shift
  echo "+ tinygo $*"
  timeout "$secs" tinygo "$@" 2>&1 | quiet
  return "${PIPESTATUS[0]}"
}
for p in clock internal/termsafe aiolog aioctl aioschedule; do
  run 300 test $stack -target=riscv-qemu "./$p"
done
run 300 test $stack -target=cortex-m-qemu ./clock
# The board build: aiotools_noregexp leaves package regexp (and the Unicode
# tables it links) out of aiolog's grep: 66 KiB of flash, 38 KB of RAM.
run 300 test $stack -target=riscv-qemu -tags aiotools_noregexp -run NoRegexp ./aiolog
run 300 build $stack -target=pico -tags aiotools_noregexp -size=short -o "${TMPDIR:-/tmp}/aiotools-pico.elf" ./examples/pico
