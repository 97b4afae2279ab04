#!/usr/bin/env bash
# The core packages (clock, aiolog, aioctl, aioschedule) must build under
# TinyGo 0.34, which compiles against Go 1.23 (DESIGN.md). This builds and
# vets them with the Go 1.23 toolchain (fetched through the Go module proxy
# by GOTOOLCHAIN) and the tinygo build tag, in a copy whose go.mod says
# go 1.23. Which packages they may import (no os/exec, net or os/signal;
# the one third-party module, the cron parser) is checked, in every build,
# by the floor-plan test in internal/layers.
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain=go1.23.12
core=(clock internal/termsafe aiolog aioctl aioschedule aioled aioled/term)
present=()
for p in "${core[@]}"; do [ -d "$p" ] && present+=("$p"); done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in "${present[@]}"; do
  mkdir -p "$tmp/$p"
  # Only the package's own Go files and test data; no built binaries.
  find "$p" -maxdepth 1 -name '*.go' -exec cp {} "$tmp/$p/" \;
done
# Only what the core needs, resolved by the 1.23 toolchain itself; the
# main go.sum pins the versions it already uses.
{
  printf 'module github.com/aiotools-go/aiotools\n\ngo 1.23\n\n'
  # Pin the core's direct dependencies at the main module's versions.
  go list -m -f 'require {{.Path}} {{.Version}}' go.uber.org/goleak github.com/robfig/cron/v3 2>/dev/null || true
} > "$tmp/go.mod"
cp go.sum "$tmp/go.sum"

cd "$tmp"
export GOTOOLCHAIN=$toolchain GOFLAGS=-mod=mod
go mod tidy -e >/dev/null 2>&1
pkgs=()
for p in "${present[@]}"; do pkgs+=("./$p"); done
echo "core packages under $toolchain with -tags tinygo: ${present[*]}"
go build -tags tinygo "${pkgs[@]}"
go vet -tags tinygo "${pkgs[@]}"
echo "core packages: Go 1.23 OK (import rules: go test ./internal/layers)"
