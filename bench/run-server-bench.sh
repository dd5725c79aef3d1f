#!/usr/bin/env bash
# Rowcast's Socket.IO server against the Node reference server (socket.io 4.8.4) and netty-socketio
# 2.0.14: idle memory per WebSocket connection and room fan-out (saturation, latency at half load).
# Build first; the whole run takes about 10 minutes (BENCHMARKS.md):
#   mvn -B -Pbench -pl bench -am package -DskipTests && bench/run-server-bench.sh
# Extra arguments are JVM options of the orchestrator, e.g. -Dquick=true (1,000 clients, about 2
# minutes) or -Dclients=5000 -Dlayouts=one -Dservers=rowcast,node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "[rowcast-bench] $jar is missing; build it: mvn -B -Pbench -pl bench -am package -DskipTests" >&2; exit 2; }

# 10,000 sockets per process (server and load generator each) need more descriptors than the usual
# 1024: raise the soft limit towards 25,000, as far as the hard limit allows; 16,000 is enough.
want=25000 need=16000
hard="$(ulimit -Hn)"
[[ "$hard" == unlimited || "$hard" -ge $want ]] || want=$hard
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $want ]]; then
  ulimit -n "$want" 2>/dev/null || true
fi
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $need ]]; then
  echo "[rowcast-bench] open-file limit is $(ulimit -n) (hard $hard); the bench needs $need." \
       "Raise the hard limit (e.g. /etc/security/limits.conf or docker --ulimit nofile=25000) and retry." >&2
  exit 2
fi
exec java "$@" -cp "$jar" dev.rowcast.bench.server.ServerBench
