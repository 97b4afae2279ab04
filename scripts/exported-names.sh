#!/usr/bin/env bash
# Counts each library package's exported names as `go doc -all` shows them
# (the API a user reads): top-level funcs, methods of exported types, and
# exported types. Issue 11 ("The house") compares these before and after;
# run it the same way both times: ./scripts/exported-names.sh
set -euo pipefail
cd "$(dirname "$0")/.."
printf '%-40s %6s %8s %6s %6s\n' package funcs methods types total
sum_f=0 sum_m=0 sum_t=0
for p in $(go list -f '{{if ne .Name "main"}}{{.ImportPath}}{{end}}' ./...); do
  doc=$(go doc -all "$p" 2>/dev/null || true)
  # go doc -all prints each declaration's first line at column 0.
  f=$(grep -cE '^func [A-Z]' <<<"$doc" || true)
  m=$(grep -cE '^func \(' <<<"$doc" || true)
  t=$(grep -cE '^type [A-Z]' <<<"$doc" || true)
  [ $((f + m + t)) -eq 0 ] && continue
  printf '%-40s %6d %8d %6d %6d\n' "${p#github.com/aiotools-go/aiotools/}" "$f" "$m" "$t" $((f + m + t))
  sum_f=$((sum_f + f)) sum_m=$((sum_m + m)) sum_t=$((sum_t + t))
done
printf '%-40s %6d %8d %6d %6d\n' all "$sum_f" "$sum_m" "$sum_t" $((sum_f + sum_m + sum_t))
