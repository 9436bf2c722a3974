#!/usr/bin/env bash
# `faultline diff` of two generated halls against one `faultline check`
# (release build, whole process): the issue asks for a diff in under 3x
# the time of one check. BASE is `gen --seed 1`, NEW the same hall with
# more flaws (`--flaw-rate 0.03`), so the diff has work to do.
#
#   scripts/bench-diff.sh            # 2,500 racks (100k devices)
#   scripts/bench-diff.sh 25000      # 1M devices
#   RUNS=5 scripts/bench-diff.sh     # best and median of 5 (default 3)
#
# Prints wall and CPU (user + system) seconds and peak memory for each
# run; on a busy machine, compare CPU, and the best walls.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
racks=${1:-2500}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/faultline"
dir=$(mktemp -d "${TMPDIR:-/tmp}/faultline-bench-diff.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$bin" gen --racks "$racks" --seed 1 > "$dir/base.ron"
"$bin" gen --racks "$racks" --seed 1 --flaw-rate 0.03 > "$dir/new.ron"

measure() {
    local what=$1; shift
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "$what wall %e s cpu %U+%S s peak %M KB" "$@" > /dev/null 2>> "$dir/times" || true
    done
}
measure check "$bin" check "$dir/new.ron"
measure diff "$bin" diff "$dir/base.ron" "$dir/new.ron"
grep -E "^(check|diff) wall" "$dir/times"
# Portable across awks (mawk has no asort): sort the walls first.
best_median() {
    grep "^$1 wall" "$dir/times" | awk '{print $3}' | sort -n |
        awk '{v[NR]=$1} END {printf "%s %s", v[1], v[int((NR+1)/2)]}'
}
read -r check_best check_median <<< "$(best_median check)"
read -r diff_best diff_median <<< "$(best_median diff)"
awk -v cb="$check_best" -v cm="$check_median" -v db="$diff_best" -v dm="$diff_median" 'BEGIN {
    printf "best wall: check %.2f s, diff %.2f s, ratio %.2f\n", cb, db, db/cb
    printf "median wall: check %.2f s, diff %.2f s, ratio %.2f\n", cm, dm, dm/cm
}'
