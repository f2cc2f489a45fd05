#!/usr/bin/env bash
# Two builds of the EAR against each other, alternating, since runs on this machine vary by 10-20 %:
#   bench/ab.sh A.ear B.ear [rounds]   (default 2 rounds; copy gateway-ear/target/moat.ear aside for each build)
#   A_OPTS=... B_OPTS=... bench/ab.sh X.ear X.ear   the same build with two sets of JVM options for the gateway,
#                                                 e.g. B_OPTS=-Dmoat.pipeline.workers=28
# Each run: a fresh gateway warmed up until the JIT has settled (warm_up in run.sh; WARM=n sends n x 10 KB
# instead), then N (default 5,000) measured: msg/s, p50 and p99 of accept -> delivered. Leaves the last EAR run in gateway-ear/target/.
# SIZE=1m measures 1 MB messages instead of 10 KB, after N/2 more of them unmeasured, as run.sh does (N=300 takes
# about 3 s a run there; the warm-up stays at 10 KB).
set -uo pipefail
cd "$(dirname "$0")/.."
source bench/run.sh
n=${N:-5000}
size=${SIZE:-10k}
case $size in
  10k) ;;
  1m) mkdir -p "$work"; [ -f "$work/1m.eml" ] || make_message "$work/1m.eml" 1048576 ;;
  *) echo "SIZE is 10k or 1m, not $size" >&2; exit 2 ;;
esac
prepare_10k
for round in $(seq 1 "${3:-2}"); do
  for side in A B; do
    if [ $side = A ]; then ear=$1 opts=${A_OPTS:-}; else ear=$2 opts=${B_OPTS:-}; fi
    cp "$ear" gateway-ear/target/moat.ear
    gateway_start 512m "$opts"
    if [ -n "${WARM:-}" ]; then run_load moat $smtp_port "$WARM" "$work/10k.eml" > /dev/null
    else warm_up run_moat_load $smtp_port > /dev/null; fi
    [ "$size" = 1m ] && run_load moat $smtp_port $(( n / 2 > 0 ? n / 2 : 1 )) "$work/1m.eml" > /dev/null
    from=$(now)
    read -r rate _ < <(run_load moat $smtp_port "$n" "$work/$size.eml")
    read -r p50 p99 < <(latency "$from")
    db=$(du -sm "$work/gateway-data/db" | cut -f1)
    gateway_stop
    echo "$(basename "$ear") $opts $size round $round: $rate msg/s, p50 $p50 ms, p99 $p99 ms, database $db MiB"
  done
done
