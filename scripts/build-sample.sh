#!/usr/bin/env bash
# Builds the sample app and the test agent JARs with the JDK only (javac/jar, --release 17).
#
#   scripts/build-sample.sh [OUT_DIR] [VERSION] [--broken]
#
# OUT_DIR defaults to ./dist/sample, VERSION to 1.0.0. The version is baked into
# the sample app (GET / names it); --broken builds a version that fails at start.
# Prints the two JAR paths, sample app first.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/dist/sample}"
version="${2:-1.0.0}"
broken="false"
[[ "${3:-}" == "--broken" ]] && broken="true"

if [[ ! "$version" =~ ^[A-Za-z0-9._+-]+$ ]]; then
  echo "build-sample: version must match [A-Za-z0-9._+-]+, got '$version'" >&2
  exit 2
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Sample app: bake the version (and broken flag) into a copy of the source.
mkdir -p "$work/app-src" "$work/app-classes"
cp -R "$root/runner/java/sample-app/src/." "$work/app-src/"
sed -i.bak -e "s/\"@VERSION@\"/\"$version\"/" -e "s/\"@BROKEN@\"/\"$broken\"/" \
  "$work/app-src/io/cameleer/sample/SampleApp.java"
rm -f "$work/app-src/io/cameleer/sample/SampleApp.java.bak"
javac --release 17 -d "$work/app-classes" $(find "$work/app-src" -name '*.java')
suffix=""
[[ "$broken" == "true" ]] && suffix="-broken"
app_jar="$out/sample-app-$version$suffix.jar"
jar --create --file "$app_jar.tmp" --main-class io.cameleer.sample.SampleApp -C "$work/app-classes" .
mv "$app_jar.tmp" "$app_jar"

# Test agent: premain only, Premain-Class in its manifest.
mkdir -p "$work/agent-classes"
javac --release 17 -d "$work/agent-classes" $(find "$root/runner/java/test-agent/src" -name '*.java')
agent_jar="$out/cameleer-test-agent.jar"
jar --create --file "$agent_jar.tmp" --manifest "$root/runner/java/test-agent/MANIFEST.MF" -C "$work/agent-classes" .
mv "$agent_jar.tmp" "$agent_jar"

echo "$app_jar"
echo "$agent_jar"
