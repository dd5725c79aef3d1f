#!/usr/bin/env bash
# The start-up time the agent adds: a hello-world app and the sample CMS, each launched with and
# without -javaagent:agent/target/rowcast-agent.jar, runs interleaved. Build first:
#   mvn -B -Pbench -pl bench,agent,sample-app -am package -DskipTests && bench/run-startup-bench.sh
# Extra arguments are JVM options of the harness, e.g. -Dstartup.runs=30 -Dstartup.only=hello
# -Dstartup.java=/path/to/another/jdk/bin/java (the JVM the apps run on).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "[startup-bench] $jar is missing; build it: mvn -B -Pbench -pl bench,agent,sample-app -am package -DskipTests" >&2; exit 2; }
cd "$root"
exec java "$@" -cp "$jar" dev.rowcast.bench.startup.StartupBench
