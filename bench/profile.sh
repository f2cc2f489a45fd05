#!/usr/bin/env bash
# Where Moat's CPU goes, warm, 10 KB messages through smtp-source (see bench/README.md, "Profiling"):
#   bench/profile.sh            CPU per message (user, system, whole machine), CPU by thread group, GC
#   JFR=name bench/profile.sh   the same, with a JFR recording from the JVM's start (bench/work/name.jfr); then
#                               FROM=<ms printed> java bench/tools/JfrShares.java bench/work/name.jfr top
# The gateway is warmed up first, unmeasured, until the JIT has settled (warm_up in run.sh; WARM=n sends n
# messages instead); N (default 3000) are measured. SIZE=bytes measures messages of that size instead of 10 KB
# (e.g. SIZE=1048576 N=200; 50 of them are sent unmeasured after the warm-up). CORE_MS=1000 measures with a Core
# taking that long per file, polled; HOOK=1 with its callbacks on (each warmed up again with that Core).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/run.sh
n=${N:-3000}
prepare_10k
msg="$work/10k.eml"
if [ -n "${SIZE:-}" ]; then msg="$work/msg-$SIZE.eml"; [ -f "$msg" ] || make_message "$msg" "$SIZE"; fi
# the build in target/ is used as it is: rebuild (./mvnw package) after changing the code
if [ ! -f gateway-ear/target/moat.ear ] || [ ! -x server-config/target/wildfly/bin/standalone.sh ]; then
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -pl '!gateway-it'
fi
jfr_opts=""
if [ -n "${JFR:-}" ]; then
  # from the start: a recording started later in the running server makes HotSpot drop its compiled code
  cat > "$work/samples.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="samples">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">2 ms</setting></event>
</configuration>
JFC
  jfr_opts="-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=name=boot,settings=$work/samples.jfc"
fi
threads() { # name|CPU ticks|voluntary context switches per thread; a thread may end between the listing and the read
  local t c s v
  for t in /proc/$gateway_pid/task/*; do
    c=$(cat "$t/comm" 2>/dev/null) && s=$(awk '{print $14+$15}' "$t/stat" 2>/dev/null) \
      && v=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null) && echo "$c|$s|$v"
  done
  return 0
}
gateway_start 512m "$jfr_opts ${EXTRA_OPTS:-}"
if [ -n "${WARM:-}" ]; then run_load moat $smtp_port "$WARM" "$work/10k.eml" > /dev/null
else read -r warmed cold < <(warm_up run_moat_load $smtp_port); echo "warmed up with $warmed messages (first round $cold msg/s)"; fi
[ -n "${SIZE:-}" ] && run_load moat $smtp_port 50 "$msg" > /dev/null
if [ -n "${CORE_MS:-}" ]; then # a slow Core, polled (or HOOK=1: calling back), after 500 unmeasured messages
  core_restart "$CORE_MS"
  if [ -n "${HOOK:-}" ]; then core_profile "{\"enabled\": true, \"publicUrl\": \"http://127.0.0.1:$webhook_port\"}"
  else core_profile '{"enabled": false}'; fi
  warm_up run_moat_load $smtp_port > /dev/null # the slow path's code compiled too
fi
from=$(date +%s%3N)
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$gateway_pid/stat")
e0=$(awk '{print $14 + $15}' "/proc/$devtools_pid/stat")
w0=$(awk '/^wchar/ {print $2}' "/proc/$gateway_pid/io")
gc0=$(jstat -gcutil "$gateway_pid" | awk 'NR==2 {print $NF}')
threads > "$work/threads.before"
read -r -a st0 < <(head -1 /proc/stat)
read -r rate secs < <(run_load moat $smtp_port "$n" "$msg")
read -r -a st1 < <(head -1 /proc/stat)
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$gateway_pid/stat")
e1=$(awk '{print $14 + $15}' "/proc/$devtools_pid/stat")
w1=$(awk '/^wchar/ {print $2}' "/proc/$gateway_pid/io")
gc1=$(jstat -gcutil "$gateway_pid" | awk 'NR==2 {print $NF}')
threads > "$work/threads.after"
[ -n "${JFR:-}" ] && jcmd "$gateway_pid" JFR.dump name=boot filename="$work/$JFR.jfr" > /dev/null
gateway_stop
python3 - "$n" "$rate" "$u0" "$s0" "$u1" "$s1" "$gc0" "$gc1" "${st0[*]}" "${st1[*]}" "$work" "$e0" "$e1" "$w0" "$w1" <<'PY'
import collections, re, sys
n, rate = int(sys.argv[1]), sys.argv[2]
u0, s0, u1, s1 = (int(x) for x in sys.argv[3:7])
gc = float(sys.argv[8]) - float(sys.argv[7])
d = [int(b) - int(a) for a, b in zip(sys.argv[9].split()[1:], sys.argv[10].split()[1:])]
busy = sum(d) - d[3] - d[4]
print(f"{n} messages at {rate} msg/s; machine busy {100 * busy / sum(d):.0f} %, {busy / 100 / n * 1000:.2f} ms of CPU per message")
print(f"gateway: {(u1 - u0) / 100 / n * 1000:.2f} ms user + {(s1 - s0) / 100 / n * 1000:.2f} ms system per message; GC {gc / n * 1000:.2f} ms")
print(f"gateway wrote {(int(sys.argv[15]) - int(sys.argv[14])) / 1024 / n:.1f} KiB per message (files and sockets)")
print(f"Core emulator (devtools): {(int(sys.argv[13]) - int(sys.argv[12])) / 100 / n * 1000:.2f} ms per message")
def load(f, column):
    d = collections.defaultdict(int)
    for line in open(f):
        fields = line.rstrip("\n").rsplit("|", 2)
        d[re.sub(r"[-#]?\d+$", "", fields[0].strip())] += int(fields[column])
    return d
work = sys.argv[11]
a, b = load(work + "/threads.before", 1), load(work + "/threads.after", 1)
diff = {k: b[k] - a.get(k, 0) for k in b}
total = sum(v for v in diff.values() if v > 0)
cs_a, cs_b = load(work + "/threads.before", 2), load(work + "/threads.after", 2)
cs = {k: cs_b[k] - cs_a.get(k, 0) for k in cs_b}
print(f"gateway: {sum(v for v in cs.values() if v > 0) / n:.1f} voluntary context switches per message"
      " (threads that ended during the run not counted)")
print("   CPU  share  cs/msg  threads")
for k, v in sorted(diff.items(), key=lambda x: -x[1])[:8]:
    print(f"  {v / 100:6.1f} s {100 * v / total:5.1f} % {cs.get(k, 0) / n:6.1f}  {k}")
PY
[ -n "${JFR:-}" ] && echo "JFR: $work/$JFR.jfr; measured samples from FROM=$from"
exit 0
