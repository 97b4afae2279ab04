#!/usr/bin/env bash
# CPU of an idle `aioctl top` against `aiotools demo` (or, with N, the
# fleet view of `aiotools demo --fleet N`), as a real process on a tmux
# terminal: user+system time over SECONDS (default 30), as a share of one
# core. Usage: scripts/bench-top.sh [SECONDS [N]]
set -euo pipefail
secs=${1:-30}
fleet=${2:-0}
dir=$(mktemp -d)
chmod 700 "$dir"
demo_pid=""
cleanup() {
	tmux -S "$dir/tmux.sock" kill-server 2>/dev/null || true
	[ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
cd "$(dirname "$0")/.."
go build -o "$dir/aioctl" ./cmd/aioctl
go build -o "$dir/aiotools" ./cmd/aiotools
if [ "$fleet" -gt 0 ]; then
	"$dir/aiotools" demo -fleet "$fleet" >"$dir/demo.out" 2>&1 &  # fleet mode takes -broker and -for only
	demo_pid=$!
	for _ in $(seq 300); do grep -q '^broker: ' "$dir/demo.out" && break; sleep 0.1; done
	target="--broker $(sed -n 's/^broker: //p' "$dir/demo.out" | head -1)"
else
	"$dir/aiotools" demo -socket "$dir/demo.sock" -web off -every 1h >/dev/null 2>&1 &
	demo_pid=$!
	for _ in $(seq 100); do [ -S "$dir/demo.sock" ] && break; sleep 0.1; done
	target="--socket $dir/demo.sock"
fi
tmux -S "$dir/tmux.sock" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"TERM=xterm-256color exec $dir/aioctl $target top"
sleep 5
pid=$(tmux -S "$dir/tmux.sock" list-panes -t t -F '#{pane_pid}')
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$secs"
t1=$(ticks)
awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" \
	'BEGIN { printf "aioctl top idle: %.2f%% of one core (%d ticks of 1/%d s in %d s)\n", 100 * d / hz / s, d, hz, s }'
