#!/usr/bin/env bash
# Instructions and allocations per request, for every scenario of the
# benchmarks and every implementation (tower-cors, tower-http, the bare
# handler, the floor layer), counted by valgrind: deterministic, unlike
# times on a shared machine.
#
#   bash benches/icount.sh
#
# Each scenario x implementation runs twice under
# `valgrind --tool=cachegrind --cache-sim=no`, with 10 and with 1010
# requests (benches/icount.rs); instructions per request is
# (I(1010) - I(10)) / 1000, so that building the scenario and checking its
# answer cancel out. Allocations per request come from the counting
# allocator of test-support/src/bench.rs, from the 1010-request run (first
# request left out). Prints a Markdown table; exits non-zero if valgrind or a
# check fails.
#
# Built with the `reload` feature, so that the static layer is measured as
# it is when the reloadable one exists; a second table compares, on a few
# scenarios, the static layer with the routed (`tower-cors-routes`) and the
# reloadable (`tower-cors-reload`) layers holding the same policy.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL=10
LARGE=1010

if ! command -v valgrind >/dev/null 2>&1; then
  echo "installing valgrind" >&2
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi

echo "building benches/icount.rs (release)" >&2
messages=$(cargo bench --bench icount --features "tower-cors-test-support/reload ${ICOUNT_FEATURES:-}" --no-run --message-format=json)
bin=$(printf '%s\n' "$messages" \
  | grep -o '"executable":"[^"]*/icount-[^"]*"' \
  | sed 's/^"executable":"//; s/"$//' | tail -n 1 || true)
if [[ -z "$bin" ]]; then
  bin=$(ls -t target/release/deps/icount-* 2>/dev/null | grep -v '\.d$' | head -n 1 || true)
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "icount.sh: cannot find the icount bench binary" >&2
  exit 1
fi

implementations=(tower-cors tower-http bare floor)
mapfile -t scenarios < <("$bin" scenarios)

# Runs one scenario x implementation with $3 requests under cachegrind; sets
# $irefs (instructions of the whole run) and $allocs (allocations/request).
run() {
  local out
  if ! out=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$bin" "$1" "$2" "$3" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "icount.sh: valgrind failed on $1 $2 $3" >&2
    exit 1
  fi
  irefs=$(printf '%s\n' "$out" | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d , | tail -n 1)
  allocs=$(printf '%s\n' "$out" | sed -n 's/.* allocations\/request: \([0-9.]*\) .*/\1/p' | tail -n 1)
  if [[ -z "$irefs" || -z "$allocs" ]]; then
    printf '%s\n' "$out" >&2
    echo "icount.sh: no instruction or allocation count for $1 $2" >&2
    exit 1
  fi
}

declare -A ins alloc
# Counts scenario $1 on implementation $2 into ins and alloc.
measure() {
  echo "  $1 $2" >&2
  run "$1" "$2" "$SMALL"
  local small=$irefs
  run "$1" "$2" "$LARGE"
  ins[$1,$2]=$(awk -v a="$small" -v b="$irefs" -v n=$((LARGE - SMALL)) \
    'BEGIN { printf "%.1f", (b - a) / n }')
  alloc[$1,$2]=$allocs
}
for scenario in "${scenarios[@]}"; do
  for impl in "${implementations[@]}"; do
    measure "$scenario" "$impl"
  done
done
mapfile -t variants < <("$bin" variants)
mapfile -t variant_scenarios < <("$bin" variant-scenarios)
for scenario in "${variant_scenarios[@]}"; do
  for impl in "${variants[@]}"; do
    measure "$scenario" "$impl"
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2fx", a / b }'; }
own() { awk -v x="$1" -v bare="$2" -v f="$3" \
  'BEGIN { if (f == bare) print "-"; else printf "%.2fx", (x - bare) / (f - bare) }'; }

echo
echo "Instructions per request (valgrind cachegrind, (I($LARGE) - I($SMALL)) / $((LARGE - SMALL))) and allocations per request."
echo "Own cost: (implementation - bare) / (floor - bare), the layer's work beyond the handler's against the floor's."
echo
echo "| scenario | tower-cors | tower-http | bare | floor | tower-cors / floor | tower-http / floor | own cost tower-cors / floor | own cost tower-http / floor | allocations tower-cors / tower-http / bare / floor |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for s in "${scenarios[@]}"; do
  tc=${ins[$s,tower-cors]} th=${ins[$s,tower-http]} bare=${ins[$s,bare]} floor=${ins[$s,floor]}
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s |\n' \
    "$s" "$tc" "$th" "$bare" "$floor" \
    "$(ratio "$tc" "$floor")" "$(ratio "$th" "$floor")" \
    "$(own "$tc" "$bare" "$floor")" "$(own "$th" "$bare" "$floor")" \
    "${alloc[$s,tower-cors]}" "${alloc[$s,tower-http]}" "${alloc[$s,bare]}" "${alloc[$s,floor]}"
done

echo
echo "The variants of tower-cors with the same policy: instructions (allocations) per request, and the difference to the static layer."
echo
header="| scenario | tower-cors (static) |"
rule="| --- | ---: |"
for impl in "${variants[@]}"; do
  header+=" $impl | $impl - static |"
  rule+=" ---: | ---: |"
done
echo "$header"
echo "$rule"
for s in "${variant_scenarios[@]}"; do
  tc=${ins[$s,tower-cors]}
  line="| $s | $tc (${alloc[$s,tower-cors]}) |"
  for impl in "${variants[@]}"; do
    v=${ins[$s,$impl]}
    line+=" $v (${alloc[$s,$impl]}) | $(awk -v a="$v" -v b="$tc" 'BEGIN { printf "%+.1f", a - b }') |"
  done
  echo "$line"
done
