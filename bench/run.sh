#!/usr/bin/env bash
# Moat throughput benchmark beside Postfix (see bench/README.md). Not part of the test suite.
#   bench/run.sh [messages-10k=5000] [messages-1m=500]
# Installs what it needs (Debian: postfix for smtp-source, smtp-sink and the relay; swaks), builds Moat, and runs
# side by side on this machine, 20 concurrent sessions each:
#   1. smtp-source -> smtp-sink                       (the ceiling)
#   2. smtp-source -> Postfix relay (durable queue) -> smtp-sink
#   3. smtp-source -> Moat (Core emulator answering at once) -> smtp-sink, also with 200,000 delivered messages
#      kept in its database (KEPT=n to change)
#   4. the same Moat with a Core that takes 1 s per file, its verdicts polled, then called back (webhooks)
#   5. Moat on PostgreSQL (a cluster of the bench's own with fsync and synchronous commits), one node, then two nodes
#      on this machine (127.0.0.2 and 127.0.0.3, half the sessions each), 10 KB and 1 MB
# the same three with STARTTLS on both sides (10 KB; the devtools load generator and TLS sink, as smtp-source and
# smtp-sink speak no TLS), and one 50 MB attachment through Moat at -Xmx256m. Figures go to bench/results/<date>.md; earlier files stay.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
n_small=${1:-5000}
n_large=${2:-500} # 1 MB: 500 measure about 5 s; 200 measured 2 s, where the start and the queue draining at the end weigh most
n_kept=${KEPT:-200000}
sessions=20
work=$root/bench/work
sink_port=12600 postfix_port=12625 smtp_port=12525 http_port=18180 mgmt_port=19190
# the gateway's other ports, and the Core emulator beside it (its own SMTP sink, unused, must listen somewhere)
https_port=18543 webhook_port=18189 core_port=18808 emulator_sink_port=12699
pg_port=12632 # the PostgreSQL rows' cluster (install postgresql: Debian's package)
results=$root/bench/results/$(date -u +%F).md
[ -e "$results" ] && results=$root/bench/results/$(date -u +%F-%H%M).md

install() {
  local missing=()
  command -v smtp-source >/dev/null || missing+=(postfix)
  command -v swaks >/dev/null || missing+=(swaks)
  command -v python3 >/dev/null || missing+=(python3)
  command -v openssl >/dev/null || missing+=(openssl)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
  fi
}

now() { date +%s.%N; }

# refuse_taken PORT...: stops the script when something already listens on one of the ports, as a gateway, emulator or
# sink left over from an interrupted run does (the loads would then go to it, and the figures with them)
refuse_taken() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is taken, likely by a process left from an earlier run (see: ss -ltnp 'sport = :$port');" \
        "stop it (e.g. pkill -f $work) and run again" >&2
      exit 1
    fi
  done
}

start_sink() {
  refuse_taken $sink_port
  rm -rf "$work/sink" && mkdir -p "$work/sink" && chmod 777 "$work/sink"
  smtp-sink -u nobody -d "$work/sink/%H%M/%S." 127.0.0.1:$sink_port 256 &
  sink_pid=$!
  sleep 0.5
}
stop_sink() { kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; }
sink_count() { find "$work/sink" -type f | wc -l; }

# Waits until the sink holds $1 messages, all written out (smtp-sink creates a dump file when DATA starts, so
# the sizes must stop growing); prints the time of the last arrival (the newest file's mtime).
await_sink() {
  local want=$1 deadline=$(( $(date +%s) + ${2:-1800} )) size=-1 next
  while [ "$(sink_count)" -lt "$want" ]; do
    [ "$(date +%s)" -gt "$deadline" ] && { echo "timeout: $(sink_count)/$want at the sink" >&2; return 1; }
    sleep 0.2
  done
  while next=$(du -sb "$work/sink" | cut -f1) && [ "$next" != "$size" ]; do
    size=$next
    sleep 0.5
  done
  find "$work/sink" -type f -printf '%T@\n' | sort -n | tail -1
}

# The rate at which the last run_load's messages reached the sink between the tenth and the ninetieth percentile of
# their arrivals: the steady state, without the pipeline's filling at the start (a Core taking 1 s per file holds every
# message a second: in a run of 5,000 messages at 800 msg/s that alone is 1 s of 7, whatever the throughput) nor
# the stragglers at the end. Call it before the next run_load (which empties the sink).
steady_rate() {
  find "$work/sink" -type f -printf '%T@\n' | sort -n | python3 -c "
import sys
t = [float(x) for x in sys.stdin]
a, b = len(t) // 10, len(t) * 9 // 10
print(f'{(b - a) / (t[b] - t[a]):.1f}' if b > a and t[b] > t[a] else 'n/a')"
}

# A message of about $2 bytes with one attachment (so that Moat has something to scan).
make_message() {
  python3 - "$1" "$2" <<'PY'
import base64, os, sys
path, size = sys.argv[1], int(sys.argv[2])
raw = os.urandom(max(1, (size - 600) * 3 // 4))
b64 = base64.encodebytes(raw).decode()
msg = ("From: <load@sender.test>\nTo: <user@example.com>\nSubject: bench\nMIME-Version: 1.0\n"
       "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhello\n"
       "--b\nContent-Type: application/octet-stream; name=\"data.bin\"\n"
       "Content-Disposition: attachment; filename=\"data.bin\"\nContent-Transfer-Encoding: base64\n\n"
       + b64 + "--b--\n")
open(path, "w").write(msg)
PY
}

# run_load NAME PORT MESSAGES FILE: smtp-source into PORT; prints "rate seconds".
run_load() {
  local port=$2 count=$3 file=$4 t0 last
  start_sink
  t0=$(now)
  smtp-source -s $sessions -m "$count" -F "$file" -f load@sender.test -t user@example.com 127.0.0.1:$port
  last=$(await_sink "$count")
  stop_sink
  python3 -c "import sys; t=float('$last')-float('$t0'); print(f'{$count/t:.1f} {t:.2f}')"
}

# warm_up LOAD PORT: runs LOAD (run_load or run_tls_load) into PORT in rounds of 3,000 x 10 KB until the gateway is in
# its steady state: the JIT's C2 compiler threads used under 5 % of the gateway's CPU in two rounds in a row (on 2
# cores the compile queue of a WildFly application takes 30,000-40,000 messages to drain; until then C2 takes a fifth of the
# gateway's CPU). At most WARM_MAX rounds (default 20). Prints "messages first-round-rate" (the cold rate).
warm_up() {
  local load=$1 port=$2 round=0 calm=0 total=0 first="" rate c0 c1 g0 g1
  c2_ticks() { local s=0 t; for t in /proc/$gateway_pid/task/*; do
      grep -q '^C2 Compiler' "$t/comm" 2>/dev/null && s=$((s + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)))
    done; echo $s; }
  while [ $round -lt "${WARM_MAX:-20}" ]; do
    round=$((round + 1))
    c0=$(c2_ticks) g0=$(awk '{print $14 + $15}' "/proc/$gateway_pid/stat")
    read -r rate _ < <($load "$port" 3000 "$work/10k.eml")
    c1=$(c2_ticks) g1=$(awk '{print $14 + $15}' "/proc/$gateway_pid/stat")
    total=$((total + 3000)) first=${first:-$rate}
    echo "warm-up round $round: $rate msg/s, C2 $(( 1000 * (c1 - c0) / (g1 - g0 + 1) / 10 )).$(( 1000 * (c1 - c0) / (g1 - g0 + 1) % 10 )) % of the gateway's CPU" >&2
    # settled after two rounds in a row under 5 %: one such round can be a lull, the next one still compiling
    if [ $(( 100 * (c1 - c0) )) -lt $(( 5 * (g1 - g0) )) ]; then calm=$((calm + 1)); else calm=0; fi
    [ $calm -ge 2 ] && break
  done
  echo "$total $first"
}
# What profile.sh and ab.sh need before their runs: the working folder, the 10 KB message, smtp-source.
prepare_10k() {
  mkdir -p "$work"
  [ -f "$work/10k.eml" ] || make_message "$work/10k.eml" 10240
  command -v smtp-source >/dev/null || install
}
# run_load with the signature warm_up expects (PORT MESSAGES FILE)
run_moat_load() { run_load moat "$@"; }

postfix_start() {
  if [ ! -s /etc/postfix/main.cf ]; then # Debian's "No configuration" install has none
    cat > /etc/postfix/main.cf <<CF
compatibility_level = 3.6
myhostname = bench.localdomain
alias_maps =
alias_database =
CF
  fi
  postconf -e "inet_interfaces = loopback-only" "inet_protocols = ipv4" "mydestination =" \
    "relayhost = [127.0.0.1]:$sink_port" "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" "default_destination_concurrency_limit = $sessions" \
    "smtp_destination_concurrency_limit = $sessions" "maillog_file = /var/log/postfix-bench.log" \
    "compatibility_level = 3.6"
  postconf -M "$postfix_port/inet=$postfix_port inet n - n - - smtpd"
  postfix stop >/dev/null 2>&1 || true
  postfix start >/dev/null 2>&1
  sleep 1
}
postfix_stop() { postfix stop >/dev/null 2>&1 || true; postconf -MX "$postfix_port/inet" 2>/dev/null || true; }

# the devtools stand in for a Core and a mail server on other machines: no log line per submission or received
# message (a fifth of the emulator's Java samples), only warnings; prints the JVM option
devtools_quiet() {
  printf 'handlers=java.util.logging.ConsoleHandler\n.level=INFO\nio.moat.devtools.DevTools.level=WARNING\n' \
    > "$work/devtools-logging.properties"
  echo "-Djava.util.logging.config.file=$work/devtools-logging.properties"
}

gateway_start() { # gateway_start HEAP [extra JAVA_OPTS]; GATEWAY_SEED=dir is copied into its data dir first
  refuse_taken $smtp_port $http_port $mgmt_port $https_port $webhook_port $core_port $emulator_sink_port
  rm -rf "$work/gateway-data" && mkdir -p "$work/gateway-data"
  [ -n "${GATEWAY_SEED:-}" ] && cp -r "$GATEWAY_SEED"/. "$work/gateway-data/"
  devtools_start
  rm -f "$work"/*-gc.log*
  server_start "$work/gateway" 127.0.0.1 "$@"
  gateway_pid=$server_pid gateway_sh=$server_sh
}
devtools_start() {
  java ${DEVTOOLS_OPTS:-} $(devtools_quiet) -Dmoat.devtools.core.port=$core_port -Dmoat.devtools.sink.port=$emulator_sink_port -Dmoat.devtools.sink.dir= \
    -jar "$root"/moat-devtools/target/moat-devtools-*.jar > "$work/devtools.log" 2>&1 &
  devtools_pid=$!
}
# server_start BASE HOST HEAP [extra JAVA_OPTS]: a gateway server with the base directory BASE on $work/gateway-data,
# answering on HOST (its node address, or 127.0.0.1); sets server_pid (the JVM) and server_sh (its script)
server_start() {
  local home=$root/server-config/target/wildfly base=$1 host=$2 log=$1.log
  rm -rf "$base" && mkdir -p "$base/deployments"
  cp -r "$home/standalone/configuration" "$base/"
  cp "$root/gateway-ear/target/moat.ear" "$base/deployments/"
  # the GC log gives the peak heap (used before each collection) at no cost; a jstat process every half second took
  # 9 % of the machine's samples and 17-20 % of the gateway's rate (ADR 0033)
  JAVA_OPTS="-Xmx$3 -Xlog:gc:file=$base-gc.log ${4:-}" "$home/bin/standalone.sh" -c standalone-moat.xml -Djboss.server.base.dir="$base" \
    -Dmoat.data-dir="$work/gateway-data" -Dmoat.smtp.port=$smtp_port -Dmoat.http.port=$http_port \
    -Dmoat.https.port=$https_port -Dmoat.webhook.port=$webhook_port -Dmoat.management.port=$mgmt_port \
    -Dmoat.core.url=http://127.0.0.1:$core_port -Dmoat.core.apikey=demo-key \
    -Dmoat.downstream.url="${DOWNSTREAM_URL:-smtp://127.0.0.1:$sink_port}" -Dmoat.relay-domains=example.com \
    -Dmoat.admin.password=bench -Dmoat.smtp.max-message-size=73400320 ${GATEWAY_ARGS:-} > "$log" 2>&1 &
  server_sh=$!
  local up=""
  for _ in $(seq 1 240); do
    curl -sf -u admin:bench "http://$host:$http_port/api/v1/messages?limit=1" >/dev/null 2>&1 && up=yes && break
    sleep 0.5
  done
  server_pid=$(pgrep -f "jboss.server.base.dir=$base( |$)" | grep -v "^$server_sh$" | tail -1) || true
  if [ -z "$up" ] || [ -z "$server_pid" ]; then
    if [ -z "$up" ]; then echo "the gateway did not answer on $host:$http_port within 120 s; its log: $log" >&2
    else echo "the gateway answers, but no process with jboss.server.base.dir=$base was found to measure" >&2; fi
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    kill "$devtools_pid" 2>/dev/null || true
    exit 1
  fi
}
# pg_start: a PostgreSQL cluster of the bench's own on $pg_port with the database moat, durable as PostgreSQL is by
# default (fsync, synchronous commits): the test kit's PostgresCluster, run until pg_stop
pg_start() {
  local jar
  jar=$(ls "$root"/moat-testkit/target/moat-testkit-*.jar | grep -v sources | head -1)
  refuse_taken $pg_port
  java -cp "$jar" io.moat.testkit.PostgresCluster --durable --wait $pg_port moat > "$work/pg.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 1 120); do
    grep -q "until this JVM ends" "$work/pg.log" && return 0
    sleep 0.5
  done
  echo "PostgreSQL did not start within 60 s; its log: $work/pg.log" >&2
  exit 1
}
pg_stop() { kill "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; }
pg_gateway_args() { echo "-Dmoat.db.url=jdbc:postgresql://127.0.0.1:$pg_port/moat -Dmoat.db.user=moat"; }

# nodes_start HEAP: two gateway nodes on the PostgreSQL cluster (pg_start first) and one data directory, node-a on
# 127.0.0.2 and node-b on 127.0.0.3 with the same ports (issue #33); gateway_pid is node-a's (warm_up's C2 figure)
nodes_start() {
  refuse_taken $core_port $emulator_sink_port
  rm -rf "$work/gateway-data" && mkdir -p "$work/gateway-data"
  devtools_start
  rm -f "$work"/*-gc.log*
  GATEWAY_ARGS="$(pg_gateway_args) -Dmoat.node-id=node-a -Dmoat.node.address=127.0.0.2" \
    server_start "$work/node-a" 127.0.0.2 "$1"
  gateway_pid=$server_pid gateway_sh=$server_sh
  GATEWAY_ARGS="$(pg_gateway_args) -Dmoat.node-id=node-b -Dmoat.node.address=127.0.0.3" \
    server_start "$work/node-b" 127.0.0.3 "$1"
  node_b_pid=$server_pid node_b_sh=$server_sh
}
nodes_stop() { # rss_peak: both nodes' peaks added; heap_peak: the larger node's
  local node_b_rss
  node_b_rss=$(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$node_b_pid/status")
  kill "$node_b_pid" 2>/dev/null || true
  wait "$node_b_sh" 2>/dev/null || true
  gateway_stop
  rss_peak=$(( rss_peak + node_b_rss ))
}
# run_nodes_load PORT MESSAGES FILE: half the sessions and messages to each node; prints "rate seconds"
run_nodes_load() {
  local port=$1 count=$2 file=$3 t0 last half=$(( $2 / 2 ))
  start_sink
  t0=$(now)
  smtp-source -s $(( sessions / 2 )) -m $half -F "$file" -f load@sender.test -t user@example.com 127.0.0.2:$port &
  local first=$!
  smtp-source -s $(( sessions / 2 )) -m $(( count - half )) -F "$file" -f load@sender.test -t user@example.com \
    127.0.0.3:$port
  wait $first
  last=$(await_sink "$count")
  stop_sink
  python3 -c "import sys; t=float('$last')-float('$t0'); print(f'{$count/t:.1f} {t:.2f}')"
}
# core_restart DELAY-MS: the gateway's Core emulator started again, taking DELAY-MS per file (the gateway stays warm)
core_restart() {
  kill "$devtools_pid" 2>/dev/null || true
  wait "$devtools_pid" 2>/dev/null || true
  java ${DEVTOOLS_OPTS:-} $(devtools_quiet) -Dmoat.devtools.core.port=$core_port -Dmoat.devtools.sink.port=$emulator_sink_port -Dmoat.devtools.sink.dir= \
    -Dmoat.devtools.core.delay-ms="$1" -jar "$(devtools_jar)" > "$work/devtools.log" 2>&1 &
  devtools_pid=$!
  for _ in $(seq 1 50); do (echo > /dev/tcp/127.0.0.1/$core_port) 2>/dev/null && break; sleep 0.2; done
}
# core_profile WEBHOOK-JSON: the default Core profile with 5,000 files in flight and these webhook settings: the
# default rule scans the text body too, two files per message, so 1 s x 800 msg/s keeps 1,600 at Core, more while
# the gateway is late to ask; the default 500 (or 2,000) would be the bound measured, not the gateway
core_profile() {
  python3 - "$http_port" "$core_port" "$1" <<'PY'
import base64, json, sys, urllib.request
port, core, webhook = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
auth = {"Authorization": "Basic " + base64.b64encode(b"admin:bench").decode(), "Content-Type": "application/json"}
api = f"http://127.0.0.1:{port}/api/v1/server-profiles"
profile = next(p for p in json.load(urllib.request.urlopen(urllib.request.Request(api, headers=auth)))
               if p["type"] == "CORE")
body = {"name": profile["name"], "type": "CORE", "defaultProfile": True, "servers": [{"uri": f"http://127.0.0.1:{core}"}],
        "maxInFlight": 5000, "webhook": webhook}
urllib.request.urlopen(urllib.request.Request(f"{api}/{profile['id']}", data=json.dumps(body).encode(), headers=auth,
                                              method="PUT")).read()
PY
}
# peak_heap GC-LOG...: the largest heap in use before a collection, in MiB ("Pause Young ... 301M->42M(512M)"); 0 if none
peak_heap() {
  { grep -ohE '[0-9]+[KMG]->[0-9]+[KMG]\(' "$@" 2>/dev/null || true; } | awk -F'->' '{v=$1; u=substr(v, length(v)); v=substr(v, 1, length(v)-1) + 0;
    m = u == "K" ? v / 1024 : u == "G" ? v * 1024 : v; if (m > max) max = m} END {printf "%d\n", max}'
}
gateway_stop() {
  rss_peak=$(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$gateway_pid/status")
  heap_peak=$(peak_heap "$work"/*-gc.log*)
  kill "$gateway_pid" 2>/dev/null || true
  wait "$gateway_sh" 2>/dev/null || true
  kill "$devtools_pid" 2>/dev/null || true
  wait "$devtools_pid" 2>/dev/null || true
}

# --- STARTTLS rows: smtp-source and smtp-sink speak no TLS; the devtools load generator and sink do ---
tls_sink_port=12601 tls_core_port=18809 # the TLS sink's own Core emulator, unused
devtools_jar() { ls "$root"/moat-devtools/target/moat-devtools-*.jar | grep -v sources | head -1; }

# a CA and a leaf for 127.0.0.1/localhost, used by the TLS sink, the Postfix relay and Moat's digital ID
make_tls_material() {
  local d=$work/tls
  rm -rf "$d" && mkdir -p "$d/seed/trust"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 30 -subj "/CN=bench CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$d/leaf.key" -out "$d/leaf.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > "$d/leaf.ext"
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 -sha256 \
    -extfile "$d/leaf.ext" -out "$d/leaf.crt" 2>/dev/null
  cp "$d/leaf.key" "$d/seed/key.pem" && cp "$d/leaf.crt" "$d/seed/cert.pem" && cp "$d/ca.crt" "$d/seed/trust/ca.pem"
  chmod 600 "$d/seed/key.pem"
}

start_tls_sink() {
  refuse_taken $tls_sink_port $tls_core_port
  rm -rf "$work/sink" && mkdir -p "$work/sink"
  java $(devtools_quiet) -Dmoat.devtools.core.port=$tls_core_port -Dmoat.devtools.sink.port=$tls_sink_port -Dmoat.devtools.sink.dir="$work/sink" \
    -Dmoat.devtools.sink.tls-key="$work/tls/leaf.key" -Dmoat.devtools.sink.tls-cert="$work/tls/leaf.crt" \
    -jar "$(devtools_jar)" > "$work/tls-sink.log" 2>&1 &
  tls_sink_pid=$!
  for _ in $(seq 1 50); do (echo > /dev/tcp/127.0.0.1/$tls_sink_port) 2>/dev/null && break; sleep 0.2; done
}
stop_tls_sink() { kill "$tls_sink_pid" 2>/dev/null || true; wait "$tls_sink_pid" 2>/dev/null || true; }

# run_tls_load PORT MESSAGES FILE: the load generator with STARTTLS into PORT, to the TLS sink; prints "rate seconds"
run_tls_load() {
  local port=$1 count=$2 file=$3 t0 last
  start_tls_sink
  t0=$(now)
  java -cp "$(devtools_jar)" io.moat.devtools.LoadGenerator --server 127.0.0.1:$port --sessions $sessions \
    --messages "$count" --file "$file" --from load@sender.test --to user@example.com --starttls >&2
  last=$(await_sink "$count")
  stop_tls_sink
  python3 -c "import sys; t=float('$last')-float('$t0'); print(f'{$count/t:.1f} {t:.2f}')"
}

# Postfix as relay with STARTTLS on both sides: smtpd offers it, the smtp client requires it towards the TLS sink
postfix_tls() {
  postconf -e "smtpd_tls_cert_file = $work/tls/leaf.crt" "smtpd_tls_key_file = $work/tls/leaf.key" \
    "smtpd_tls_security_level = may" "smtp_tls_security_level = encrypt" "smtp_tls_CAfile = $work/tls/ca.crt" \
    "relayhost = [127.0.0.1]:$tls_sink_port"
  postfix reload >/dev/null 2>&1 || true
  sleep 1
}
postfix_plain() {
  postconf -e "smtpd_tls_security_level = none" "smtp_tls_security_level = none" "relayhost = [127.0.0.1]:$sink_port"
}

# p50 and p99 of accept -> delivered over the DELIVERED messages received since $1 (epoch s), from the REST API
latency() { # latency SINCE [HOST]: p50 and p99 of the messages delivered since SINCE, read from the API on HOST
  python3 - "$http_port" "$1" "${2:-127.0.0.1}" <<'PY'
import base64, json, sys, urllib.request
from datetime import datetime
port, since, host = sys.argv[1], float(sys.argv[2]), sys.argv[3]
auth = "Basic " + base64.b64encode(b"admin:bench").decode()
lat, offset = [], 0
while True:
    req = urllib.request.Request(f"http://{host}:{port}/api/v1/messages?state=DELIVERED&limit=1000&offset={offset}",
                                 headers={"Authorization": auth})
    page = json.load(urllib.request.urlopen(req))
    if not page:
        break
    for m in page:
        t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
        if t(m["receivedAt"]).timestamp() >= since:
            lat.append((t(m["updatedAt"]) - t(m["receivedAt"])).total_seconds() * 1000)
    offset += len(page)
    if t(page[-1]["receivedAt"]).timestamp() < since:
        break  # newest first: the rest are older than the measured run
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"{pct(0.50):.0f} {pct(0.99):.0f}")
PY
}

# keep_delivered SEED N: a copy of the last Moat run's database with N more delivered messages (each with one
# scanned attachment and one delivery attempt), as a gateway in service keeps them; used as GATEWAY_SEED.
keep_delivered() {
  local seed=$1 h2
  h2=$(ls "$root"/server-config/target/wildfly/modules/system/layers/base/com/h2database/h2/main/h2-*.jar)
  # the database with the key that sealed its Core profile's API key (and the digital ID that goes with it)
  rm -rf "$seed" && mkdir -p "$seed/spool" && cp -r "$work/gateway-data"/{db,secret.key,key.pem,cert.pem} "$seed/"
  # and the spool's identity, which the database recorded: a database is started only beside its own spool (ADR 44)
  cp "$work/gateway-data/spool/.spool-id" "$seed/spool/"
  java -cp "$h2" org.h2.tools.Shell -url "jdbc:h2:file:$seed/db/moat" -user sa -password sa -sql "
    INSERT INTO moat_message (id, kind, state, mail_from, recipients, size_bytes, spool_name, received_at,
        updated_at, next_attempt_at, attempts, version, subject, scan_summary, endpoint, remote_address, helo)
      SELECT RANDOM_UUID()::VARCHAR, 'INBOUND', 'DELIVERED', 'load@sender.test', 'user@example.com', 10240,
        'kept', DATEADD('SECOND', -X, CURRENT_TIMESTAMP - INTERVAL '1' HOUR), CURRENT_TIMESTAMP, NULL, 1, 3,
        'bench', 'clean', 'default', '127.0.0.1', 'localhost' FROM SYSTEM_RANGE(1, $2);
    INSERT INTO moat_attachment (message_id, part_index, file_name, content_type, size_bytes, part_name, data_id,
        verdict_code, verdict_label, category, submitted_at, completed_at)
      SELECT id, 1, 'data.bin', 'application/octet-stream', 9000, '1', RANDOM_UUID()::VARCHAR, 0,
        'No Threat Detected', 'CLEAN', received_at, received_at FROM moat_message WHERE spool_name = 'kept';
    INSERT INTO moat_delivery_attempt (message_id, attempted_at, server, outcome, reply)
      SELECT id, received_at, '127.0.0.1:$sink_port', 'DELIVERED', '250 ok' FROM moat_message
      WHERE spool_name = 'kept';
    SHUTDOWN COMPACT;" > /dev/null
}

main() {
  install
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -pl '!gateway-it'
  mkdir -p "$work"
  make_message "$work/10k.eml" 10240
  make_message "$work/1m.eml" 1048576

  declare -A rate secs p50 p99 rss heap warm cold steady
  for size in 10k 1m; do
    count=$n_small; [ "$size" = 1m ] && count=$n_large
    read -r rate[direct-$size] secs[direct-$size] < <(run_load direct $sink_port $count "$work/$size.eml")
    postfix_start
    read -r rate[postfix-$size] secs[postfix-$size] < <(run_load postfix $postfix_port $count "$work/$size.eml")
    postfix_stop
    gateway_start 512m
    # warm-up, not measured: a gateway in service runs JIT-compiled code (Postfix has no warm-up to do)
    read -r warm[$size] cold[$size] < <(warm_up run_moat_load $smtp_port)
    [ "$size" = 1m ] && run_load moat $smtp_port $(( count / 2 > 0 ? count / 2 : 1 )) "$work/$size.eml" > /dev/null
    measured_from=$(now)
    read -r rate[moat-$size] secs[moat-$size] < <(run_load moat $smtp_port $count "$work/$size.eml")
    steady[moat-$size]=$(steady_rate)
    read -r p50[$size] p99[$size] < <(latency "$measured_from")
    if [ "$size" = 10k ]; then
      # a Core that takes 1 s per file (issue #32): polled, then with callbacks; each after its own warm-up
      core_restart 1000
      for mode in poll hook; do
        if [ $mode = poll ]; then core_profile '{"enabled": false}'
        else core_profile "{\"enabled\": true, \"publicUrl\": \"http://127.0.0.1:$webhook_port\"}"; fi
        # warmed up again, to the same steady state: the callbacks' path (RESTEasy, Weld, Undertow) is code the
        # instant-Core rounds never ran, and its compilation took a fifth of the gateway's CPU after 3,000 messages
        warm_up run_moat_load $smtp_port > /dev/null
        measured_from=$(now)
        read -r rate[slow-$mode] secs[slow-$mode] < <(run_load moat $smtp_port $count "$work/10k.eml")
        steady[slow-$mode]=$(steady_rate)
        read -r p50[slow-$mode] p99[slow-$mode] < <(latency "$measured_from")
      done
      core_profile '{"enabled": false}' # the kept gateway's database is copied from this one
    fi
    gateway_stop
    rss[$size]=$rss_peak heap[$size]=$heap_peak
    if [ "$size" = 10k ]; then
      # the same with 200,000 delivered messages kept in the database, as after weeks in service
      keep_delivered "$work/kept-seed" $n_kept
      GATEWAY_SEED=$work/kept-seed gateway_start 512m
      read -r warm[kept] cold[kept] < <(warm_up run_moat_load $smtp_port)
      measured_from=$(now)
      read -r rate[moat-kept] secs[moat-kept] < <(run_load moat $smtp_port $count "$work/$size.eml")
      read -r p50[kept] p99[kept] < <(latency "$measured_from")
      gateway_stop
      rss[kept]=$rss_peak heap[kept]=$heap_peak
    fi
  done

  # Moat on PostgreSQL (issue #33), one node, beside the same Postfix figures: both force every accepted message to
  # disk; a new cluster per size, so that each starts from an empty database as the H2 rows do
  for size in 10k 1m; do
    count=$n_small; [ "$size" = 1m ] && count=$n_large
    pg_start
    GATEWAY_ARGS=$(pg_gateway_args) gateway_start 512m
    read -r warm[pg-$size] cold[pg-$size] < <(warm_up run_moat_load $smtp_port)
    [ "$size" = 1m ] && run_load moat $smtp_port $(( count / 2 > 0 ? count / 2 : 1 )) "$work/$size.eml" > /dev/null
    measured_from=$(now)
    read -r rate[pg-$size] secs[pg-$size] < <(run_load moat $smtp_port $count "$work/$size.eml")
    read -r p50[pg-$size] p99[pg-$size] < <(latency "$measured_from")
    gateway_stop
    rss[pg-$size]=$rss_peak heap[pg-$size]=$heap_peak
    pg_stop
    # two nodes on one machine (127.0.0.2 and .3, half the sessions each), on a new cluster: they share its two cores
    pg_start
    nodes_start 512m
    read -r warm[pg2-$size] cold[pg2-$size] < <(warm_up run_nodes_load $smtp_port)
    [ "$size" = 1m ] && run_nodes_load $smtp_port $(( count / 2 > 0 ? count / 2 : 1 )) "$work/$size.eml" > /dev/null
    measured_from=$(now)
    read -r rate[pg2-$size] secs[pg2-$size] < <(run_nodes_load $smtp_port $count "$work/$size.eml")
    read -r p50[pg2-$size] p99[pg2-$size] < <(latency "$measured_from" 127.0.0.2) # both nodes' messages
    nodes_stop
    rss[pg2-$size]=$rss_peak heap[pg2-$size]=$heap_peak
    pg_stop
  done

  # STARTTLS on both sides, 10 KB: the devtools load generator and TLS sink (smtp-source and smtp-sink speak no TLS)
  make_tls_material
  read -r rate[direct-tls] secs[direct-tls] < <(run_tls_load $tls_sink_port $n_small "$work/10k.eml")
  postfix_start
  postfix_tls
  read -r rate[postfix-tls] secs[postfix-tls] < <(run_tls_load $postfix_port $n_small "$work/10k.eml")
  postfix_plain
  postfix_stop
  GATEWAY_SEED=$work/tls/seed DOWNSTREAM_URL="smtp://127.0.0.1:$tls_sink_port?starttls=required" gateway_start 512m
  read -r warm[tls] cold[tls] < <(warm_up run_tls_load $smtp_port)
  measured_from=$(now)
  read -r rate[moat-tls] secs[moat-tls] < <(run_tls_load $smtp_port $n_small "$work/10k.eml")
  read -r p50[tls] p99[tls] < <(latency "$measured_from")
  gateway_stop
  rss[tls]=$rss_peak heap[tls]=$heap_peak

  # one 50 MB attachment with the server at -Xmx256m
  make_message "$work/50m.eml" 52428800
  gateway_start 256m
  start_sink
  t0=$(now)
  smtp-source -s 1 -m 1 -F "$work/50m.eml" -f load@sender.test -t user@example.com 127.0.0.1:$smtp_port
  last=$(await_sink 1 600)
  delivered=$(find "$work/sink" -type f -printf '%s\n')
  stop_sink
  gateway_stop
  large_secs=$(python3 -c "print(f'{float(\"$last\")-float(\"$t0\"):.1f}')")

  {
    echo "# Benchmark $(date -u '+%F %H:%M') UTC"
    echo
    echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)."
    echo "Load: smtp-source, $sessions sessions, one message per connection, each with one attachment;"
    echo "downstream: smtp-sink; Core: the devtools emulator, answering at once. Rate = messages / (last"
    echo "arrival at the sink - start of smtp-source). Moat is measured in its steady state: each gateway first"
    echo "gets unmeasured rounds of 3,000 x 10 KB until the JIT's C2 threads use under 5 % of its CPU in a round"
    echo "(the 1 MB gateway then also $(( n_large / 2 )) x 1 MB). Its latency is over the measured messages only."
    echo "The slow-Core rows' figure (issue #32) compares steady rates: the messages that reached the sink between the"
    echo "10th and the 90th percentile of their arrivals, over that time (steady_rate in run.sh), since a Core taking"
    echo "1 s per file adds a second to every message's way, at the start of a run too, whatever the throughput."
    echo
    echo "| Moat gateway | warm-up messages | rate of the first warm-up round (cold), msg/s |"
    echo "|---|---|---|"
    for k in 10k kept 1m pg-10k pg-1m pg2-10k pg2-1m tls; do echo "| $k | ${warm[$k]} | ${cold[$k]} |"; done
    echo
    echo "| path | size | messages | seconds | msg/s | Moat / Postfix | p50 ms | p99 ms | peak RSS MiB | peak heap MiB |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for size in 10k 1m; do
      count=$n_small; [ "$size" = 1m ] && count=$n_large
      ratio=$(python3 -c "print(f'{${rate[moat-$size]}/${rate[postfix-$size]}:.2f}')")
      echo "| smtp-source → smtp-sink | $size | $count | ${secs[direct-$size]} | ${rate[direct-$size]} | | | | | |"
      echo "| → Postfix relay → smtp-sink | $size | $count | ${secs[postfix-$size]} | ${rate[postfix-$size]} | | | | | |"
      echo "| → Moat → smtp-sink | $size | $count | ${secs[moat-$size]} | ${rate[moat-$size]} | $ratio | ${p50[$size]} | ${p99[$size]} | ${rss[$size]} | ${heap[$size]} |"
      if [ "$size" = 10k ]; then
        for mode in poll hook; do
          ratio=$(python3 -c "print(f'{${rate[slow-$mode]}/${rate[postfix-$size]}:.2f}')")
          slow=$(python3 -c "print(f'{${rate[slow-$mode]}/${rate[moat-$size]}:.2f}')")
          held=$(python3 -c "print(f'{${steady[slow-$mode]}/${steady[moat-$size]}:.2f}')" 2>/dev/null || echo n/a)
          what="verdicts polled"; [ $mode = hook ] && what="Core calls back (webhooks)"
          echo "| → Moat → smtp-sink, Core 1 s per file, $what; slow / instant Core: steady **$held** (${steady[slow-$mode]} / ${steady[moat-$size]} msg/s), end to end $slow | $size | $count | ${secs[slow-$mode]} | ${rate[slow-$mode]} | $ratio | ${p50[slow-$mode]} | ${p99[slow-$mode]} | | |"
        done
        ratio=$(python3 -c "print(f'{${rate[moat-kept]}/${rate[postfix-$size]}:.2f}')")
        echo "| → Moat → smtp-sink, $n_kept delivered messages kept | $size | $count | ${secs[moat-kept]} | ${rate[moat-kept]} | $ratio | ${p50[kept]} | ${p99[kept]} | ${rss[kept]} | ${heap[kept]} |"
      fi
      ratio=$(python3 -c "print(f'{${rate[pg-$size]}/${rate[postfix-$size]}:.2f}')")
      echo "| → Moat on PostgreSQL (one node, fsync, synchronous commits) → smtp-sink | $size | $count | ${secs[pg-$size]} | ${rate[pg-$size]} | $ratio | ${p50[pg-$size]} | ${p99[pg-$size]} | ${rss[pg-$size]} | ${heap[pg-$size]} |"
      ratio=$(python3 -c "print(f'{${rate[pg2-$size]}/${rate[postfix-$size]}:.2f}')")
      echo "| → Moat on PostgreSQL, two nodes on this machine (127.0.0.2/.3, 10 sessions each; RSS of both) → smtp-sink | $size | $count | ${secs[pg2-$size]} | ${rate[pg2-$size]} | $ratio | ${p50[pg2-$size]} | ${p99[pg2-$size]} | ${rss[pg2-$size]} | ${heap[pg2-$size]} |"
    done
    ratio=$(python3 -c "print(f'{${rate[moat-tls]}/${rate[postfix-tls]}:.2f}')")
    echo "| loadgen → TLS sink, STARTTLS | 10k | $n_small | ${secs[direct-tls]} | ${rate[direct-tls]} | | | | | |"
    echo "| → Postfix relay → TLS sink, STARTTLS both sides | 10k | $n_small | ${secs[postfix-tls]} | ${rate[postfix-tls]} | | | | | |"
    echo "| → Moat → TLS sink, STARTTLS both sides | 10k | $n_small | ${secs[moat-tls]} | ${rate[moat-tls]} | $ratio | ${p50[tls]} | ${p99[tls]} | ${rss[tls]} | ${heap[tls]} |"
    echo
    echo "STARTTLS rows: load from the devtools LoadGenerator (20 sessions, one message per connection, STARTTLS),"
    echo "downstream the devtools sink with STARTTLS; Postfix offers STARTTLS (smtpd) and requires it towards the"
    echo "sink (smtp_tls_security_level=encrypt); Moat's endpoint offers it and its downstream profile requires it"
    echo "(?starttls=required), both trusting the bench CA."
    echo
    echo "50 MB attachment through Moat at -Xmx256m: delivered in ${large_secs} s (sink file $delivered bytes);"
    echo "byte-identity is asserted by gateway-it's LargeMessageIT."
  } > "$results"
  cat "$results"
}

# sourcing the script gives its functions (e.g. to profile one scenario by hand); running it runs everything
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
