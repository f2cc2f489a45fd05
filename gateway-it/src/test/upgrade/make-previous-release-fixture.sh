#!/usr/bin/env bash
# Makes gateway-it/src/test/resources/upgrade/previous-release-data.zip, the data directory UpgradeIT upgrades: the
# previous release (before issue #30's security rules) run with the previous release's own WildFly, EAR, Core
# emulator and SMTP sink, on the ports of DedicatedGateway slot 7 (the Core and SMTP profiles it seeds on its first
# start name those ports, and its sealed Core API key is slot 7's), with one message in each state it had:
#
#   subject "upgrade-fixture <marker>"   state                how
#   delivered                            DELIVERED            a clean attachment
#   blocked                              BLOCKED              an EICAR attachment
#   password-required                    PASSWORD_REQUIRED    an encrypted ZIP (ZipFixtures, password s3cret)
#   quarantined                          QUARANTINED          8 parts, the server started with moat.mime.max-parts=5
#   failed                               FAILED               the sink refuses refused@example.com with 550;
#                                                             its DSN to alice@sender.test (kind DSN, no rule) DELIVERED
#   deferred                             DEFERRED             the sink answers 451 for later@example.com; next
#                                                             attempt a minute later (retry-initial PT1M), after
#                                                             the stop
#   scanning                             SCANNING             Core emulator delay of a day: submitted, no verdict
#   in-flight                            RECEIVED             scanned, its delivery hanging on a downstream that
#                                                             never greets when the server is stopped (SIGTERM):
#                                                             the claim's result is never recorded, so the record
#                                                             stays RECEIVED with the intake's lease, no subject
#
# Not made: SCANNED and QUEUED, which a record of the previous release holds only within a claim (a claim records its
# end state), or for a DSN waiting for its first claim, or after a delivery attempt that threw.
#
# Usage (from the repository's root, with Maven's repository in MAVEN_REPO, default ~/.m2/repository):
#   gateway-it/src/test/upgrade/make-previous-release-fixture.sh [commit, default 6ffdaf0]
# It needs the ports of slot 7 free (hold /work/it.lock or the like): 20525, 20526, 20008, 19780, 19789, 20143,
# 19998. It leaves its work in target/upgrade-fixture (server logs) and replaces the zip and, beside it,
# previous-release-data.txt: each message's marker and queue id ("<marker> <id>"), which UpgradeIT reads.
set -euo pipefail

commit=${1:-6ffdaf0}
repo=${MAVEN_REPO:-$HOME/.m2/repository}
root=$(git rev-parse --show-toplevel)
work=$root/gateway-it/target/upgrade-fixture
prev=$work/previous-release
zip=$root/gateway-it/src/test/resources/upgrade/previous-release-data.zip

rm -rf "$work"
mkdir -p "$work"
git -C "$root" worktree add --detach "$prev" "$commit"
trap 'git -C "$root" worktree remove --force "$prev"' EXIT

(cd "$prev" && ./mvnw -Dmaven.repo.local="$repo" -q package -DskipTests -DskipITs -DskipFuzz \
    -pl gateway-ear,server-config,moat-devtools -am)
(cd "$prev" && ./mvnw -Dmaven.repo.local="$repo" -q dependency:build-classpath -pl moat-devtools \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/devtools.cp")
cp="$prev/moat-devtools/target/moat-devtools-0.1.0-SNAPSHOT.jar:$prev/moat-testkit/target/moat-testkit-0.1.0-SNAPSHOT.jar:$(cat "$work/devtools.cp")"

java -cp "$cp" "$root/gateway-it/src/test/upgrade/MakePreviousReleaseFixture.java" \
    "$prev/server-config/target/wildfly" "$prev/gateway-ear/target/moat.ear" "$work"

# the data directory only (database, spool, sealing key, digital ID); no log of ours is in it
mkdir -p "$(dirname "$zip")"
rm -f "$zip"
(cd "$work/data" && zip -q -r -X "$zip" .)
cp "$work/ids.txt" "${zip%.zip}.txt"
unzip -l "$zip"
