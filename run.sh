#!/usr/bin/env bash
# Moat's run command: builds the project, provisions WildFly from Maven Central (server-config), deploys the EAR
# and runs the gateway in the foreground. Settings come from MOAT_* environment variables (or -Dmoat.*=...
# arguments, passed on to WildFly); see the README. Without a Core or downstream server given, it starts the
# devtools' Core emulator and SMTP sink too (demo mode), so that mail flows out of the box.
set -euo pipefail
cd "$(dirname "$0")"

./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -pl '!gateway-it'

wildfly=server-config/target/wildfly
export MOAT_DATA_DIR
MOAT_DATA_DIR=$(realpath -m "${MOAT_DATA_DIR:-data}")
mkdir -p "$MOAT_DATA_DIR"
chmod 700 "$MOAT_DATA_DIR"

given() { # given KEY: is moat.KEY set as an environment variable or a -D argument?
  local env="MOAT_$(echo "$1" | tr '[:lower:].-' '[:upper:]__')"
  [ -n "${!env:-}" ] && return 0
  local arg
  for arg in "${@:2}"; do [[ "$arg" == -Dmoat.$1=* ]] && return 0; done
  return 1
}

devtools_pid=
cleanup() { [ -n "$devtools_pid" ] && kill "$devtools_pid" 2>/dev/null || true; }
trap cleanup EXIT

demo=false
if ! given core.url "$@"; then
  export MOAT_CORE_URL=http://127.0.0.1:8008 MOAT_CORE_APIKEY=${MOAT_CORE_APIKEY:-demo-key}
  demo=true
fi
if ! given downstream.url "$@"; then
  export MOAT_DOWNSTREAM_URL=smtp://127.0.0.1:2526
  demo=true
fi
if [ "$demo" = true ]; then
  echo "Demo mode: Core emulator on http://127.0.0.1:8008, SMTP sink on 127.0.0.1:2526 (mail in $MOAT_DATA_DIR/sink)"
  java -Dmoat.devtools.core.apikey="${MOAT_CORE_APIKEY:-demo-key}" -Dmoat.devtools.sink.dir="$MOAT_DATA_DIR/sink" \
    -jar moat-devtools/target/moat-devtools-*.jar > "$MOAT_DATA_DIR/devtools.log" 2>&1 &
  devtools_pid=$!
fi

# the server's own state (configuration, logs, transaction log, deployments); a node of several (MOAT_NODE_ID) has
# its own, so that nodes on one machine never share it (they share MOAT_DATA_DIR and the database)
base=$PWD/$wildfly/standalone
if [ -n "${MOAT_NODE_ID:-}" ]; then
  base=$PWD/$wildfly/nodes/$MOAT_NODE_ID
  mkdir -p "$base/deployments"
  cp -r "$wildfly/standalone/configuration" "$base/" # this build's configuration at every start
fi
rm -f "$base"/deployments/moat.ear.*
cp gateway-ear/target/moat.ear "$base/deployments/moat.ear"
echo "Starting Moat${MOAT_NODE_ID:+ node $MOAT_NODE_ID}: SMTP on ${MOAT_NODE_ADDRESS:-*}:${MOAT_SMTP_PORT:-2525}, API on http://${MOAT_NODE_ADDRESS:-localhost}:${MOAT_HTTP_PORT:-8080}/api/v1, data in $MOAT_DATA_DIR"
"$wildfly/bin/standalone.sh" -c standalone-moat.xml -Djboss.server.base.dir="$base" "$@"
