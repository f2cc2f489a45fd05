#!/usr/bin/env bash
# Makes target/wildfly a configured Moat server: links the unpacked distribution's files, copies the pristine
# standalone.xml to standalone-moat.xml and applies the configure-*.cli scripts to it offline (embedded server).
set -euo pipefail
dist=$1 home=$2 cli=$3
if [ ! -d "$home" ]; then
  cp -a "$dist" "$home"
fi
cfg="$home/standalone/configuration"
cp "$dist/standalone/configuration/standalone.xml" "$cfg/standalone-moat.xml"
rm -rf "$cfg/standalone_xml_history"
for script in "$cli"/configure-*.cli; do
  echo "applying $(basename "$script")"
  JAVA_OPTS="-Xmx512m" "$home/bin/jboss-cli.sh" --file="$script" >"$home/$(basename "$script").log" 2>&1 || {
    cat "$home/$(basename "$script").log"
    exit 1
  }
done
echo "WildFly configured at $home (configuration standalone-moat.xml)"
