#!/usr/bin/env bash
# The whole test suite: installs the system tools the tests use where they are missing, then runs ./mvnw install
# (unit, SMTP conversation, fuzzing, architecture and end-to-end tests against a real WildFly, on H2) and the
# end-to-end tests that rest on the database again on PostgreSQL.
#   ./test.sh                      everything
#   ./test.sh -DskipITs            arguments go to Maven as they are
# The tools are Debian packages (apt-get, as root or through sudo): swaks and Perl's IO::Socket::SSL, openssl,
# curl, testssl.sh, postfix, chromium and chromium-driver, postgresql (the tests start clusters of their own, never
# the system's), and a JDK 17 if there is no java.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
perl -MIO::Socket::SSL -e 1 >/dev/null 2>&1 || missing+=(libio-socket-ssl-perl) # swaks --tls
command -v openssl >/dev/null 2>&1 || missing+=(openssl)                        # s_client checks, test certificates
command -v curl >/dev/null 2>&1 || missing+=(curl)                              # multipart uploads in CertificatesIT
command -v testssl >/dev/null 2>&1 || missing+=(testssl.sh)                     # ImplicitTlsScanIT
[ -x /usr/sbin/postfix ] || missing+=(postfix)                                  # the real MTA of OutboundTlsIT
[ -x /usr/bin/chromium ] || missing+=(chromium)                                  # ConsoleBrowserIT (headless)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)                       # ... driven by Selenium through it
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)  # persistence tests, ITs on PostgreSQL
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: no apt-get here; install these (Debian names) by hand, then run ./test.sh again: ${missing[*]}" >&2
    exit 1
  fi
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "test.sh: not root and no sudo: install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo env DEBIAN_FRONTEND=noninteractive) # sudo resets the environment
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Postfix without a system-wide setup: the tests run instances of their own
  echo "postfix postfix/main_mailer_type select No configuration" | "${as_root[@]}" debconf-set-selections 2>/dev/null || true
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq "${missing[@]}"
fi

# everything on H2 (installed, so that the second run below finds this build's EAR and server)
./mvnw install "$@"
# then the ITs whose behaviour rests on the database again on PostgreSQL (-Pit-postgresql: a cluster of the build's
# own; every IT with -Pit-postgresql alone): the message path, hostile text, quarantine and rescan, rules, restart,
# crash (one node, and two nodes with one killed: ClusterCrashIT), settings across two nodes (ClusterIT), expiry,
# callbacks into the database, and the settings' records. Left to the H2 run: TLS handshakes, the console in the
# browser, the demo command, the upgrade of old H2 files.
exec ./mvnw verify -Pit-postgresql -pl gateway-it -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='MessagePathIT,HostileMimeIT,QuarantineIT,RescanPageIT,SecurityRulesIT,RestartIT,CrashIT,ClusterCrashIT,ClusterIT,ExpiryIT,CoreIntegrationIT,DeepCdrIT,SmtpEndpointsIT,CertificatesIT,ServerProfilesIT,LargeMessageIT' \
  "$@"
