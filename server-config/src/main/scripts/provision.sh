#!/usr/bin/env bash
# Makes target/wildfly a configured Moat server: links the unpacked distribution's files, installs the modules of
# src/main/modules (each module.xml with the jar it names, from the module jars folder), copies the pristine
# standalone.xml to standalone-moat.xml and applies the configure-*.cli scripts to it offline (embedded server).
set -euo pipefail
dist=$1 home=$2 cli=$3 modules=$4 jars=$5
if [ ! -d "$home" ]; then
  cp -a "$dist" "$home"
fi
# the datasource's driver (ADR 0043): io.moat.jdbc chooses H2 or PostgreSQL (org.postgresql) by moat.db.url
(cd "$modules" && find . -name module.xml) | while read -r xml; do
  target="$home/modules/$(dirname "$xml")"
  rm -rf "$target"
  mkdir -p "$target"
  cp "$modules/$xml" "$target/module.xml"
  for jar in $(sed -n 's/.*resource-root path="\([^"]*\)".*/\1/p' "$modules/$xml"); do
    cp "$jars/$jar" "$target/$jar"
  done
done
cfg="$home/standalone/configuration"
cp "$dist/standalone/configuration/standalone.xml" "$cfg/standalone-moat.xml"
# TLS versions: the JVM allows TLS 1.0/1.1 only where an SMTP endpoint asks for them (moat-java.security)
cp "$(dirname "$0")/../jvm/moat-java.security" "$home/bin/moat-java.security"
cp "$dist/bin/standalone.conf" "$home/bin/standalone.conf"
cat >>"$home/bin/standalone.conf" <<'CONF'

# Moat: TLS 1.0/1.1 only where an SMTP endpoint selects them; TLSv1.2 and TLSv1.3 by default everywhere else
JAVA_OPTS="$JAVA_OPTS -Djava.security.properties=$DIRNAME/moat-java.security"
JAVA_OPTS="$JAVA_OPTS -Djdk.tls.server.protocols=TLSv1.2,TLSv1.3 -Djdk.tls.client.protocols=TLSv1.2,TLSv1.3"
# no renegotiation started by clients (a denial-of-service lever; TLS 1.3 has none anyway)
JAVA_OPTS="$JAVA_OPTS -Djdk.tls.rejectClientInitiatedRenegotiation=true"
# elliptic-curve key exchange only: a finite-field group (ffdhe, TLS 1.3's DHE) lets a client make the server compute
# far more than it does itself (CVE-2002-20001); the default cipher suites have no DHE either (ADR 0022)
JAVA_OPTS="$JAVA_OPTS -Djdk.tls.namedGroups=x25519,secp256r1,x448,secp384r1,secp521r1"
CONF
rm -rf "$cfg/standalone_xml_history"
for script in "$cli"/configure-*.cli; do
  echo "applying $(basename "$script")"
  JAVA_OPTS="-Xmx512m" "$home/bin/jboss-cli.sh" --file="$script" >"$home/$(basename "$script").log" 2>&1 || {
    cat "$home/$(basename "$script").log"
    exit 1
  }
done
echo "WildFly configured at $home (configuration standalone-moat.xml)"
