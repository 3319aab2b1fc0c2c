#!/usr/bin/env bash
# Peak memory of the gateway process while one message goes into Kafka (issue 3): "a 50 MB message
# through the Kafka sink with a stalled broker does not grow the process by 50 MB".
#
# Kafka is librdkafka's mock cluster (tests/Ingest.Kafka.Mock), in a process of its own, not a real
# broker. "stalled": every broker delays its responses by 10 minutes (rd_kafka_mock_broker_set_rtt),
# so nothing is acknowledged: the message's window (Ingest:Kafka:MaxChunksInFlightPerMessage, 4
# chunks by default) or the process-wide budget (Ingest:Kafka:MaxInFlightBytes, 4 MiB here unless
# BUDGET says otherwise) fills, and the session stops reading its socket until the delivery deadline
# turns the message into 451. "flowing": no delay, the message is acknowledged and answered 250.
#
# Each measurement is a fresh gateway process: start, one 1 KB warm-up message (JIT, producer
# connected, topic metadata), VmHWM read from /proc/PID/status, the measured message sent with
# loadtest/Ingest.LoadTest, VmHWM read again. VmHWM is the peak resident set size of the whole
# process (managed heap, librdkafka's native buffers, code), so "growth" is peak minus the
# warmed-up baseline.
#
# Usage: loadtest/kafka-memory.sh [SIZE...]   (sizes as Ingest.LoadTest --size takes them; default 1m 50m)
#        BUDGET=<bytes> DEADLINE=<hh:mm:ss> loadtest/kafka-memory.sh ...   (defaults 4194304, 00:00:15)
#        GATEWAY_ARGS="--Ingest:Kafka:MaxChunksInFlightPerMessage=1024" loadtest/kafka-memory.sh ...   (more gateway switches)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
. loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1m 50m)
budget=${BUDGET:-4194304}
deadline=${DEADLINE:-00:00:15}
read -r -a extra <<<"${GATEWAY_ARGS:-}"

work=$(mktemp -d)
GW=""
cleanup() {
  [ -n "$GW" ] && kill "$GW" 2>/dev/null && wait "$GW" 2>/dev/null
  [ -n "${MOCK_PID:-}" ] && kill "$MOCK_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "building (Release) into $work" >&2
dotnet publish src/Ingest.Host -c Release -o "$work/gateway" -v quiet >&2
dotnet build tests/Ingest.Kafka.Mock -c Release -o "$work/mock" -v quiet >&2
dotnet build loadtest/Ingest.LoadTest -c Release -o "$work/loadtest" -v quiet >&2

# The mock cluster answers one line per command on its stdin (tests/Ingest.Kafka.Mock/Program.cs).
coproc MOCK { exec dotnet "$work/mock/Ingest.Kafka.Mock.dll" 1 2>>"$work/mock.log"; }
read -r line <&"${MOCK[0]}"
bootstrap=${line#bootstrap.servers=}
mock() {
  echo "$*" >&"${MOCK[1]}"
  local reply
  read -r reply <&"${MOCK[0]}"
  [ "$reply" = ok ] || { echo "mock cluster: $* -> $reply" >&2; exit 1; }
}

hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$GW/status"; }

start_gateway() {
  local port=$1; shift
  dotnet "$work/gateway/Ingest.Host.dll" --Ingest:Server:Endpoints:0=127.0.0.1:"$port" \
    --Ingest:Management:Endpoint= --Ingest:Management:DrainDelay=00:00:00 --Logging:LogLevel:Default=Error "$@" >>"$work/gateway.log" 2>&1 &
  GW=$!
  wait_for_port "$port" "$GW" && return 0
  echo "gateway did not start:" >&2; cat "$work/gateway.log" >&2; exit 1
}

stop_gateway() { kill -TERM "$GW"; wait "$GW" || true; GW=""; }

# Sends one message; prints its reply code (or "none").
send() {
  local port=$1 size=$2
  dotnet "$work/loadtest/Ingest.LoadTest.dll" --port "$port" -c 1 -m 1 --size "$size" --duration 300 --json "$work/run.json" >/dev/null 2>>"$work/loadtest.log"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); codes=(["250"] if r["replied250"] else [])+list(r["otherCodes"]); print(",".join(codes) or "none")' "$work/run.json"
}

echo "MaxInFlightBytes=$budget DeliveryTimeout=$deadline ${GATEWAY_ARGS:-}, mock cluster at $bootstrap"
echo
echo "| message | broker | reply | reply after | VmHWM after warm-up | VmHWM after the message | growth |"
echo "|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  for mode in stalled flowing; do
    topic="ingest-memory-$size-$mode"
    mock topic "$topic" 1
    port=$(free_port)
    start_gateway "$port" --Ingest:Kafka:BootstrapServers="$bootstrap" --Ingest:Kafka:DefaultTopic="$topic" \
      --Ingest:Kafka:MaxInFlightBytes=$budget --Ingest:Kafka:DeliveryTimeout=$deadline ${extra[@]+"${extra[@]}"}
    warm=$(send "$port" 1k)
    [ "$warm" = 250 ] || { echo "warm-up message got $warm" >&2; exit 1; }
    [ "$mode" = stalled ] && mock rtt 600000
    base=$(hwm_kb)
    t0=$(date +%s.%N)
    code=$(send "$port" "$size")
    t1=$(date +%s.%N)
    peak=$(hwm_kb)
    stop_gateway
    mock rtt 0
    printf '| %s | %s | %s | %.1f s | %d MiB | %d MiB | %+.1f MiB |\n' "$size" "$mode" "$code" "$(echo "$t1 - $t0" | bc -l)" \
      $((base / 1024)) $((peak / 1024)) "$(echo "($peak - $base) / 1024" | bc -l)"
  done
done
echo "quit" >&"${MOCK[1]}"
