#!/usr/bin/env bash
# Starts the sample CMS with the Rowcast agent attached: page and REST API on :8080, realtime on :3001
# (PORT and ROWCAST_PORT change them).
# Builds whatever is missing first. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"

APP_JAR=sample-app/target/rowcast-sample-app.jar
AGENT_JAR=agent/target/rowcast-agent.jar
CONFIG=sample-app/rowcast.yml
PORT="${PORT:-8080}"
# the realtime port: sample-app/rowcast.yml reads it as ${ROWCAST_PORT:-3001}
export ROWCAST_PORT="${ROWCAST_PORT:-3001}"
PAGE="http://localhost:${PORT}"
if [[ "$ROWCAST_PORT" != 3001 ]]; then
  PAGE="${PAGE}/?realtime=ws://localhost:${ROWCAST_PORT}"   # the page assumes 3001 otherwise
fi

if [[ ! -f "$APP_JAR" || ! -f "$AGENT_JAR" ]]; then
  echo "[run] building (first run only): mvn -B -q -DskipTests install"
  mvn -B -q -DskipTests install
fi

JAVA_ARGS=()
if [[ -f "$AGENT_JAR" ]]; then
  JAVA_ARGS+=("-javaagent:$AGENT_JAR=config=$CONFIG")
else
  echo "[run] WARNING: $AGENT_JAR is missing; starting the CMS without realtime events." >&2
fi

java "${JAVA_ARGS[@]}" -jar "$APP_JAR" &
APP_PID=$!

stop() {
  trap - INT TERM EXIT
  if kill -0 "$APP_PID" 2>/dev/null; then
    echo
    echo "[run] stopping the CMS (pid $APP_PID)"
    kill -TERM "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
}
trap stop INT TERM EXIT

# Print the addresses once the page answers, so they are the last thing on screen.
for _ in $(seq 1 120); do
  if ! kill -0 "$APP_PID" 2>/dev/null; then break; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    cat <<INFO

  Sample CMS    ${PAGE}
  REST API      http://localhost:${PORT}/api/posts   (Authorization: JWT <token>)
  Realtime      ws://localhost:${ROWCAST_PORT}                 (Socket.IO; the login token goes in the auth payload)
  Demo logins   alice@example.com / alice    bob@example.com / bob
                (open two browser windows, one per user)

  Press Ctrl-C to stop.

INFO
    break
  fi
  sleep 0.5
done

set +e
wait "$APP_PID"
STATUS=$?
trap - INT TERM EXIT
exit "$STATUS"
