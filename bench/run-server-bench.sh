#!/usr/bin/env bash
# Rowcast's Socket.IO server against the Node reference server: idle memory per WebSocket
# connection and room fan-out throughput. Build first:
#   mvn -B -Pbench -pl bench -am package -DskipTests && bench/run-server-bench.sh
# Extra arguments are JVM options of the orchestrator, e.g. -Didle.clients=2000 -Dfanout.rounds=5.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "[rowcast-bench] $jar is missing; build it: mvn -B -Pbench -pl bench -am package -DskipTests" >&2; exit 2; }

# 5,000 sockets per process (server and load generator each) need more descriptors than the usual 1024.
need=12000
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $need ]]; then
  ulimit -n $need 2>/dev/null || {
    echo "[rowcast-bench] open-file limit is $(ulimit -n) (hard $(ulimit -Hn)); the idle test needs $need." \
         "Raise the hard limit (e.g. /etc/security/limits.conf or docker --ulimit nofile=$need) and retry." >&2
    exit 2
  }
fi
exec java "$@" -cp "$jar" dev.rowcast.bench.server.ServerBench
