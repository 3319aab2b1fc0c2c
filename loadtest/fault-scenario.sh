#!/usr/bin/env bash
# One command, all on loopback: three gateways behind HAProxy (PROXY v2, /readyz checks), kfake
# (three brokers, -data-dir) behind the fault proxy, the load generator in retrying mode, and a
# schedule of faults with a pause to recover after each:
#   1 kill9     kill -9 of one gateway, restarted a few seconds later
#   2 rolling   rolling restart of all three with SIGTERM (readiness drops, the drain completes)
#   3 stall     the brokers stopped (SIGSTOP) for longer than the delivery deadline, then SIGCONT
#   4 restart   the brokers killed (-9) and restarted from their data directory
#   5 network   the fault proxy between gateways and brokers: every connection reset, then a
#               black hole for a few seconds, then reset again
#   6 abandon   a second client that breaks off every transfer mid-DATA or mid-BDAT, with
#               messages large enough to be chunked (the main client does it to 2 % throughout)
# Then the topic is read back with the consumer library and matched against what was sent: the
# run fails on any message lost, corrupted or partial, on a whole copy of a broken-off transfer,
# and on a message not accepted exactly once from the sender's point of view.
#
# SINK=maildir: the same gateways into one Maildir with fsync on, faults 1 and 2 only (kill -9
# and rolling SIGTERM); every 250 must be one complete file in new/, nothing partial in new/.
#
# Environment: SINK (kafka|maildir), DURATION (least seconds of load: the load runs until the
# schedule is done and this long has passed; default 60, LONG=1: 300),
# SESSIONS (client connections; 8, LONG=1: 16), SIZES (size mix), NO_BUILD=1 (use the Release
# build already there, as CI does), KEEP=1 (keep the work directory), OUT=DIR (copy the reports
# there). Prints the report and exits non-zero on a failed check. docs/reliability.md explains it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
source loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

SINK=${SINK:-kafka}
LONG=${LONG:-0}
if [ "$LONG" = 1 ]; then
  DURATION=${DURATION:-300}; SESSIONS=${SESSIONS:-16}; CYCLES=${CYCLES:-3}; SIZES=${SIZES:-4k:89,32k:10,1500k:1}
else
  DURATION=${DURATION:-60}; SESSIONS=${SESSIONS:-8}; CYCLES=${CYCLES:-1}
fi
SIZES=${SIZES:-4k:88,32k:10,1500k:2}
# New messages stop when the schedule is done (and DURATION has passed); this only bounds a hung run.
MAX_DURATION=$((DURATION + 900))
# The gateways' delivery deadline (Ingest:Kafka:DeliveryTimeout), and the stall that outlasts it.
DEADLINE=${DEADLINE:-5}
STALL=$((DEADLINE + 4))
KFAKE=${INGEST_KFAKE:-/opt/kfake/kfake}
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
case "$SINK" in kafka|maildir) ;; *) echo "SINK must be kafka or maildir" >&2; exit 2 ;; esac
[ -x "$HAPROXY" ] || { echo "haproxy missing: apt-get install haproxy" >&2; exit 2; }
if [ "$SINK" = kafka ] && [ ! -x "$KFAKE" ]; then
  echo "kfake missing: ../shared/kafka-broker/build.sh (or set INGEST_KFAKE)" >&2; exit 2
fi

work=$(mktemp -d /tmp/ingest-faults.XXXXXX)
bin=${BIN_DIR:-$work/bin}
log() { echo "[$(date -u +%T)] $*" >&2; }
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
declare -A gw_pid=()
kfake_pid="" proxy_pid="" haproxy_pid="" load_pid="" abandon_pid=""

cleanup() {
  # Everything this script started, by process id; SIGCONT first in case the brokers are stopped.
  set +e
  trap - ERR
  [ -n "$kfake_pid" ] && kill -CONT "$kfake_pid" 2>/dev/null
  for pid in "$load_pid" "$abandon_pid" "${gw_pid[@]}" "$haproxy_pid" "$proxy_pid" "$kfake_pid"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$load_pid" "$abandon_pid" "${gw_pid[@]}" "$haproxy_pid" "$proxy_pid" "$kfake_pid"; do
    [ -n "$pid" ] && { timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null; }
  done
  if [ -n "${OUT:-}" ]; then mkdir -p "$OUT"; cp "$work"/*.json "$work"/*.txt "$work"/marks "$OUT"/ 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Three consecutive free ports, so a restarted kfake comes back on the same addresses.
free_port_run() {
  local base
  for _ in $(seq 1 50); do
    base=$(python3 -c 'import random; print(random.randint(20000, 60000))')
    if python3 - "$base" <<'PY'
import socket, sys
b = int(sys.argv[1]); s = []
try:
    for p in range(b, b + 3):
        x = socket.socket(); x.bind(("127.0.0.1", p)); s.append(x)
except OSError:
    sys.exit(1)
PY
    then echo "$base"; return 0; fi
  done
  return 1
}

# Publish once: the gateway, the load generator and the fault proxy (Release).
if [ -z "${BIN_DIR:-}" ]; then
  log "publishing to $bin"
  for project in src/Ingest.Host loadtest/Ingest.LoadTest loadtest/Ingest.FaultProxy; do
    nice -n 19 dotnet publish "$project" -c Release ${NO_BUILD:+--no-build} -o "$bin/$(basename "$project")" >"$work/publish.log" 2>&1 \
      || { cat "$work/publish.log"; exit 1; }
  done
fi

topic=faults-$(date +%s)
mark() { echo "$(date +%s%3N) $1 $2" >>"$work/marks"; log "$1 $2"; }

start_kfake() {
  setsid nice -n 19 "$KFAKE" -port "$kport" -brokers 3 -partitions 3 -data-dir "$work/kafka-data" \
    -max-message-bytes 10485760 -topics "$topic" </dev/null >>"$work/kfake.log" 2>&1 &
  kfake_pid=$!
  for _ in $(seq 1 300); do
    if [ "$(grep -c '^kfake listening on' "$work/kfake.log")" -ge "$1" ]; then return 0; fi
    kill -0 "$kfake_pid" 2>/dev/null || { cat "$work/kfake.log"; return 1; }
    sleep 0.1
  done
  return 1
}

start_gateway() {
  local i=$1
  local args=(
    "--Ingest:Server:Endpoints:0=127.0.0.1:${gw_smtp[$i]}"
    "--Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.1:${gw_smtp[$i]}"
    "--Ingest:Server:ProxyProtocol:TrustedNetworks:0=127.0.0.1"
    "--Ingest:Management:Endpoint=127.0.0.1:${gw_mgmt[$i]}"
    "--Ingest:Management:DrainDelay=00:00:03"
    "--Ingest:Server:ShutdownTimeout=00:00:20"
    "--Ingest:Smtp:HostName=gw$i.faults.test"
    "--Logging:LogLevel:Default=Warning"
  )
  if [ "$SINK" = kafka ]; then
    args+=(
      "--Ingest:Kafka:BootstrapServers=$proxy_bootstrap"
      "--Ingest:Kafka:DefaultTopic=$topic"
      "--Ingest:Kafka:InstanceName=gw$i"
      "--Ingest:Kafka:DeliveryTimeout=$(printf "00:%02d:%02d" $((DEADLINE / 60)) $((DEADLINE % 60)))"
      # A broker that comes back is found again within half a second (librdkafka's default backoff grows to 10 s).
      "--Ingest:Kafka:Producer:reconnect.backoff.max.ms=500"
    )
  else
    args+=("--Ingest:Maildir:Path=$work/maildir" "--Ingest:Maildir:Fsync=true")
  fi
  (cd "$work" && exec setsid nice -n 10 dotnet "$bin/Ingest.Host/Ingest.Host.dll" "${args[@]}" </dev/null >>"$work/gw$i.log" 2>&1) &
  gw_pid[$i]=$!
}

wait_ready() {
  local i=$1
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:${gw_mgmt[$i]}/readyz" >/dev/null 2>&1 && return 0
    kill -0 "${gw_pid[$i]}" 2>/dev/null || { log "gateway $i exited"; tail -20 "$work/gw$i.log" >&2; return 1; }
    sleep 0.1
  done
  log "gateway $i not ready in 60 s"; return 1
}

proxy() { # a command to the fault proxy's control port
  exec 9<>"/dev/tcp/127.0.0.1/$proxy_control"; echo "$1" >&9; read -r -t 5 answer <&9 || true; exec 9>&-
  [ "${answer:-}" = ok ] || log "fault proxy: ${answer:-no answer} to $1"
}

# --- start everything ------------------------------------------------------------------------
declare -A gw_smtp=() gw_mgmt=()
for i in 1 2 3; do gw_smtp[$i]=$(free_port); gw_mgmt[$i]=$(free_port); done
front=$(free_port); stats=$(free_port)
if [ "$SINK" = kafka ]; then
  kport=$(free_port_run)
  start_kfake 1
  kfake_bootstrap=$(sed -n 's/^kfake listening on //p' "$work/kfake.log" | head -n1)
  setsid nice -n 10 dotnet "$bin/Ingest.FaultProxy/Ingest.FaultProxy.dll" --kafka "$kfake_bootstrap" </dev/null >"$work/proxy.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 300); do grep -q '^fault proxy listening' "$work/proxy.log" && break; sleep 0.1; done
  proxy_bootstrap=$(sed -n 's/^fault proxy listening on \([^ ]*\) control .*/\1/p' "$work/proxy.log")
  proxy_control=$(sed -n 's/.* control \([0-9]*\)$/\1/p' "$work/proxy.log")
  [ -n "$proxy_bootstrap" ] || { cat "$work/proxy.log"; exit 1; }
  log "kfake $kfake_bootstrap (data in $work/kafka-data), through the fault proxy at $proxy_bootstrap; topic $topic"
fi
for i in 1 2 3; do start_gateway "$i"; done
for i in 1 2 3; do wait_ready "$i"; done
INGEST_FRONT=127.0.0.1:$front INGEST_STATS=127.0.0.1:$stats \
INGEST_GW1=127.0.0.1:${gw_smtp[1]} INGEST_GW2=127.0.0.1:${gw_smtp[2]} INGEST_GW3=127.0.0.1:${gw_smtp[3]} \
INGEST_MGMT1=${gw_mgmt[1]} INGEST_MGMT2=${gw_mgmt[2]} INGEST_MGMT3=${gw_mgmt[3]} \
  setsid "$HAPROXY" -db -f loadtest/haproxy.cfg </dev/null >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
wait_for_port "$front" "$haproxy_pid"
log "3 gateways behind HAProxy at 127.0.0.1:$front; $SINK sink; $SESSIONS sessions for $DURATION s"

verify=(--verify-maildir "$work/maildir")
[ "$SINK" = kafka ] && verify=(--verify-kafka "$kfake_bootstrap" --topic "$topic")
: >"$work/marks"
setsid nice -n 10 dotnet "$bin/Ingest.LoadTest/Ingest.LoadTest.dll" --port "$front" -c "$SESSIONS" -d "$MAX_DURATION" -t 100000000 \
  --size-dist "$SIZES" --mixed-transfer --abandon-fraction 0.02 \
  --retry --max-attempts 30 --retry-backoff 0.5 --retry-max-backoff 5 --retry-drain 120 --reply-timeout 30 \
  --marks "$work/marks" --stop-file "$work/stop" --json "$work/report.json" "${verify[@]}" </dev/null >"$work/report.txt" 2>"$work/load.log" &
load_pid=$!
load_start=$(date +%s)

pause() { sleep "$1"; }

# --- the schedule ----------------------------------------------------------------------------
pause 6
for cycle in $(seq 1 "$CYCLES"); do
  victim=$(( (cycle - 1) % 3 + 1 ))
  mark start "kill9-gw$victim"
  kill -KILL "${gw_pid[$victim]}"; wait "${gw_pid[$victim]}" 2>/dev/null || true
  pause 3
  start_gateway "$victim"; wait_ready "$victim"
  mark end "kill9-gw$victim"
  pause 4

  mark start rolling-sigterm
  for i in 1 2 3; do
    kill -TERM "${gw_pid[$i]}"; wait "${gw_pid[$i]}" 2>/dev/null || true
    start_gateway "$i"; wait_ready "$i"
    # HAProxy's checks see it ready again (rise 2 at 1 s) before the next one goes.
    pause 2.5
  done
  mark end rolling-sigterm
  pause 4

  if [ "$SINK" = kafka ]; then
    mark start broker-stall
    kill -STOP "$kfake_pid"; pause "$STALL"; kill -CONT "$kfake_pid"
    mark end broker-stall
    pause 6

    mark start broker-restart
    kill -KILL "$kfake_pid"; wait "$kfake_pid" 2>/dev/null || true
    pause 2
    start_kfake $((cycle + 1))
    mark end broker-restart
    pause 6

    mark start network
    proxy reset; pause 2
    proxy "blackhole 4"; pause 4
    proxy reset
    mark end network
    pause 4

    mark start abandon
    setsid nice -n 10 dotnet "$bin/Ingest.LoadTest/Ingest.LoadTest.dll" --port "$front" -c 4 -d 6 -t 100000000 --size 1500k --mixed-transfer \
      --abandon-fraction 1 </dev/null >"$work/abandon-$cycle.txt" 2>&1 &
    abandon_pid=$!
    wait "$abandon_pid" || true; abandon_pid=""
    mark end abandon
    pause 4
  fi
done
# Load until DURATION at least, then new messages stop; retries drain, then the topic is read.
while [ $(( $(date +%s) - load_start )) -lt "$DURATION" ]; do sleep 1; done
touch "$work/stop"
elapsed=$(( $(date +%s) - load_start ))
log "load stopped after ${elapsed} s; waiting for the load (and its retries) to finish and the verification"
set +e
wait "$load_pid"; load_status=$?
set -e
load_pid=""
cat "$work/report.txt"

# --- the checks the report alone does not make -----------------------------------------------
failed=0
check() { # check NAME JSON-EXPRESSION: a python expression over the report "r" that must be true
  if python3 -c "import json,sys; r=json.load(open('$work/report.json')); sys.exit(0 if ($2) else 1)"; then
    echo "check ok:     $1"
  else
    echo "check FAILED: $1"; failed=1
  fi
}
if [ "$load_status" -ne 0 ]; then echo "check FAILED: the load generator exited $load_status (2: lost, corrupted or partial)"; failed=1; fi
if [ -f "$work/report.json" ]; then
  check "every message accepted exactly once from the sender's point of view" "r['sender']['acceptedFirstTry'] + r['sender']['acceptedAfterRetries'] == r['sender']['messages']"
  if [ "$SINK" = kafka ]; then
    check "nothing lost, corrupted or partial in Kafka" "r['kafka']['lost'] == 0 and r['kafka']['corrupted'] == 0 and r['kafka']['partial'] == 0"
    check "no whole copy of a transfer broken off mid-data (either client)" "r['kafka']['visibleAfterAbandon'] == 0 and r['kafka']['fromOtherRuns'] == 0"
    check "no message in the topic without its id header" "r['kafka']['withoutIdHeader'] == 0"
  else
    check "every 250 a complete file in new/, nothing partial or foreign there" "r['verification']['lost'] == 0 and r['verification']['corrupted'] == 0 and r['verification']['partial'] == 0 and r['verification']['withoutIdHeader'] == 0"
  fi
else
  echo "check FAILED: no report"; failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "fault scenario ($SINK) FAILED"; KEEP=1; exit 1
fi
echo "fault scenario ($SINK) passed"
