#!/usr/bin/env bash
# Lints the array core RTL with `verilator --lint-only -Wall` for a few array
# shapes (square, wide, tall), and the fault-injected test variant (one PE's
# product forced wrong, rtl/CMakeLists.txt), then the vector unit for a few
# lane counts and its fault-injected variant; any warning fails. Run by ctest
# as "rtl: lint".
set -euo pipefail
cd "$(dirname "$0")/.."
verilator=${VERILATOR:-verilator}
# rows cols [extra verilator arguments]
shapes=("8 8" "16 16" "32 32" "4 8" "8 2" "8 8 -GFAULT_ROW=2 -GFAULT_COL=3")
status=0
array_sources=()
for f in rtl/*.v; do [[ $f == rtl/kiln_vector* ]] || array_sources+=("$f"); done
for shape in "${shapes[@]}"; do
  read -r rows cols extra <<<"$shape"
  # shellcheck disable=SC2086 # extra holds separate arguments
  if ! "$verilator" --lint-only -Wall --top-module kiln_array_core \
       -GROWS="$rows" -GCOLS="$cols" ${extra:-} "${array_sources[@]}"; then
    echo "lint_rtl: ${rows}x${cols}: verilator reported warnings" >&2
    status=1
  fi
done
# lanes [extra verilator arguments]
vector_shapes=("1" "4" "16" "32" "16 -GFAULT_LANE=3")
for shape in "${vector_shapes[@]}"; do
  read -r lanes extra <<<"$shape"
  # shellcheck disable=SC2086 # extra holds separate arguments
  if ! "$verilator" --lint-only -Wall --top-module kiln_vector -GLANES="$lanes" ${extra:-} rtl/kiln_vector*.v; then
    echo "lint_rtl: vector unit, ${lanes} lanes: verilator reported warnings" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "lint_rtl: rtl/*.v clean under verilator --lint-only -Wall (${#shapes[@]} array shapes, ${#vector_shapes[@]} vector unit shapes)"
exit "$status"
