#!/usr/bin/env bash
# The project's one test command: the README names it and .ci/run calls it.
# It installs what the tests need, so it passes on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH)/bin"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

echo "== core packages under Go 1.23 (TinyGo's language and library)"
./scripts/check-core-go123.sh

echo "== tools the tests drive (tmux, zsh, fish)"
bash scripts/install-test-tools.sh
bash scripts/install-mosquitto.sh && export AIOTOOLS_REQUIRE_MOSQUITTO=1 # fleet tests against mosquitto: never skipped here

export AIOWEB_REQUIRE_BROWSER=1; bash scripts/install-chromium.sh  # aioweb's browser test: never skips here
echo "== go test -race"
go test -race -count=1 -timeout 10m ./...
go test -count=1 -tags aiotools_noregexp -run NoRegexp ./aiolog/ # the board build's grep

echo "== fuzz targets, briefly, from their checked-in corpus"
./scripts/fuzz-smoke.sh

if [ -f bench/go.mod ]; then
  echo "== bench module (compiles, benchmarks run once)"
  (cd bench && go vet ./... && go test -count=1 -run '^$' -bench . -benchtime 1x ./...)
fi
echo "== on the edge: the core under TinyGo (riscv-qemu, cortex-m-qemu, pico), cross-built binaries under qemu-user"; ./scripts/tinygo-test.sh; ./scripts/cross-build.sh
