#!/usr/bin/env bash
# Sourced by scripts/tinygo-test.sh (and usable by hand): makes a TinyGo 0.34
# toolchain available, building it from the TinyGo kit if the cache lacks it.
# The kit (a source tarball + build.sh, see its README) is looked for in
# $TINYGO_KIT, then ../shared/toolchains/tinygo next to the clone, then
# /work/shared/toolchains/tinygo. The build goes to
# ${XDG_CACHE_HOME:-~/.cache}/aiotools/tinygo/<kit checksum>, outside the
# clone, so a second run only checks the Debian packages (seconds).
# On return: PATH has Go 1.23 and tinygo first, and TINYGO_ROOT is set;
# or, without a kit, TINYGO_KIT_MISSING=1.
tinygo_env() {
  local root kit=""
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  for d in "${TINYGO_KIT:-}" "$root/../shared/toolchains/tinygo" /work/shared/toolchains/tinygo; do
    if [ -n "$d" ] && [ -f "$d/build.sh" ] && ls "$d"/tinygo-*-src.tar.xz >/dev/null 2>&1; then kit=$d; break; fi
  done
  if [ -z "$kit" ]; then TINYGO_KIT_MISSING=1; return 0; fi
  local tar sum cache sudo=""
  tar=$(ls "$kit"/tinygo-*-src.tar.xz | head -n1)
  sum=$(cat "$tar" "$kit/build.sh" | sha256sum | cut -c1-16)
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/aiotools/tinygo/$sum
  [ "$(id -u)" = 0 ] || sudo=sudo
  # A cached build whose Debian packages went away (another machine, the same
  # home) is rebuilt: build.sh is what installs them, backports source included.
  if [ ! -f "$cache/.complete" ] || [ ! -x "$cache/tinygo/build/tinygo" ] ||
     ! command -v clang-16 >/dev/null || [ ! -x /usr/lib/go-1.23/bin/go ] ||
     ! command -v qemu-system-riscv32 >/dev/null || ! command -v qemu-system-arm >/dev/null; then
    echo "building TinyGo from $tar into $cache (once; ~2-4 min with the Debian packages)"
    rm -rf "$cache"; mkdir -p "$cache"
    # build.sh installs the Debian packages (LLVM 16, clang-16, Go 1.23
    # from bookworm-backports, qemu-system-riscv32/arm, binaryen) and builds
    # with the Go on PATH (any Go >= 1.22 builds TinyGo's compiler).
    $sudo env "PATH=$PATH" HOME="$HOME" GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" \
      bash "$kit/build.sh" "$tar" "$cache" >"$cache/build.log" 2>&1 ||
      { tail -n 40 "$cache/build.log"; echo "TinyGo build failed (log: $cache/build.log)"; return 1; }
    [ -z "$sudo" ] || $sudo chown -R "$(id -u):$(id -g)" "$cache"
    touch "$cache/.complete"
  fi
  export TINYGO_ROOT=$cache/tinygo
  export PATH=/usr/lib/go-1.23/bin:$cache/tinygo/build:$PATH
}
