#!/usr/bin/env bash
# What capture costs an app: insert throughput with and without the agent (Hibernate 6.6 and JDBC,
# on H2 and embedded PostgreSQL) and commit -> client latency at 1,000 events/s over 1,000 clients,
# each against its peer in the same run. Build first:
#   mvn -B -Pbench -pl bench,agent -am package -DskipTests && bench/run-capture-bench.sh
# Extra arguments are JVM options of the orchestrator, e.g. -Dcapture.rounds=3 -Dcapture.only=latency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "[capture-bench] $jar is missing; build it: mvn -B -Pbench -pl bench,agent -am package -DskipTests" >&2; exit 2; }

# 1,000 client sockets in the load generator and as many in the server need more than the usual 1024 descriptors.
need=4096
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $need ]]; then
  ulimit -n $need 2>/dev/null || {
    echo "[capture-bench] open-file limit is $(ulimit -n) (hard $(ulimit -Hn)); the latency test needs $need." \
         "Raise the hard limit (e.g. /etc/security/limits.conf or docker --ulimit nofile=$need) and retry." >&2
    exit 2
  }
fi
exec java "$@" -cp "$jar" dev.rowcast.bench.capture.CaptureBench
