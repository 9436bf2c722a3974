#!/usr/bin/env bash
# Time the whole `faultline check` process (release build) on generated
# layouts of 100k and 1M devices, with peak memory, and `faultline gen`;
# then `headroom` and `place --count 8 --service S` on each hall.
#
#   scripts/bench-check.sh            # 2,500 and 25,000 racks
#   scripts/bench-check.sh 250 2500   # other sizes, in racks (40 devices each)
#   RUNS=5 scripts/bench-check.sh     # 5 runs of check: best/median/worst wall
#
# Peak memory is `/usr/bin/time -v`'s "Maximum resident set size"; the
# script installs `time` with apt-get when it is missing. Layouts go to a
# temporary directory that is removed at the end (KEEP=DIR keeps them there).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-1}
SEED=${SEED:-1}
FLAW_RATE=${FLAW_RATE:-0.02}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2500 25000)

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (for peak memory)" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq time >/dev/null
fi

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/faultline"

if [ -n "${KEEP:-}" ]; then
    dir=$KEEP
    mkdir -p "$dir"
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/faultline-bench.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
fi

# Run a command under /usr/bin/time -v; print "wall_s peak_MB exit cpu_s"
# (cpu = user + system: what the run costs when the machine is busy).
measure() {
    local log=$dir/time.log out=$1
    shift
    local status=0
    /usr/bin/time -v -o "$log" "$@" >"$out" || status=$?
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    local cpu
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$log")
    # h:mm:ss or m:ss.ss -> seconds
    wall=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')
    printf '%s %.0f %s %s\n' "$wall" "$((rss / 1024))" "$status" "$cpu"
}

echo "faultline $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-9s %-7s %-7s %-8s %-16s %-10s %-8s %-5s %s\n' devices racks "gen s" "file MB" "check s (b/m/w)" "check cpu" "peak MB" exit "findings (errors/warnings/notes)"
for racks in "${sizes[@]}"; do
    devices=$((racks * 40))
    layout=$dir/site-$racks.ron
    read -r gen_s _ _ _ < <(measure "$layout" "$bin" gen --racks "$racks" --seed "$SEED" --flaw-rate "$FLAW_RATE")
    mb=$(( $(stat -c %s "$layout") / 1000000 ))
    walls="" best_cpu="" best_rss="" status=""
    for _ in $(seq "$RUNS"); do
        read -r s rss status cpu < <(measure "$dir/check.json" "$bin" check "$layout" --format json)
        walls="$walls $s"
        if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
            best_cpu=$cpu
        fi
        if [ -z "$best_rss" ] || [ "$rss" -gt "$best_rss" ]; then best_rss=$rss; fi
    done
    # Wall time as best/median/worst: on a VM the first touch of memory
    # the guest has not used yet costs system time that later runs skip.
    best_s=$(echo "$walls" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 1) print v[1]; else printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR] }')
    summary=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%s/%s/%s" % (s["errors"], s["warnings"], s["notes"]))' "$dir/check.json" 2>/dev/null || echo "?")
    printf '%-9s %-7s %-7s %-8s %-16s %-10s %-8s %-5s %s\n' "$devices" "$racks" "$gen_s" "$mb" "$best_s" "$best_cpu" "$best_rss" "$status" "$summary"
    # The planning commands on the same hall (issue 15): `headroom`
    # against check's best wall time, and `place` of eight 2U servers for
    # the first service the generator writes.
    check_best=${best_s%%/*}
    for cmd in headroom place; do
        args=("$cmd" "$layout")
        if [ "$cmd" = place ]; then
            service=$(grep -m1 -o 'Service(id: "[^"]*"' "$layout" | cut -d'"' -f2)
            args+=(--draw 300 --height 2 --count 8 --service "$service")
        fi
        walls="" best_cpu="" best_rss=""
        for _ in $(seq "$RUNS"); do
            read -r s rss _ cpu < <(measure "$dir/$cmd.out" "$bin" "${args[@]}")
            walls="$walls $s"
            if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
                best_cpu=$cpu
            fi
            if [ -z "$best_rss" ] || [ "$rss" -gt "$best_rss" ]; then best_rss=$rss; fi
        done
        best=$(echo "$walls" | tr ' ' '\n' | grep . | sort -g | head -1)
        ratio=$(awk -v a="$best" -v b="$check_best" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "?" }')
        printf '  %-9s best wall %s s (%s check), cpu %s s, peak %s MB\n' "$cmd" "$best" "$ratio" "$best_cpu" "$best_rss"
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times need an idle machine; cpu = user + system)"
echo "targets: check on 100k devices < 1 s and < 400 MB; on 1M devices < 10 s and < 3 GB (exit 1 means findings, not failure); headroom on 1M < 2x check; place --count 8 --service S on 100k < 2 s"
