#!/usr/bin/env bash
# Messages per second through the Kafka sink beside the discard sink, in the same run (issue 3),
# with Postfix's smtp-source as the client, measured as docs/performance.md describes.
#
# Kafka is librdkafka's mock cluster (tests/Ingest.Kafka.Mock: 3 brokers in one process of its own,
# topic of 3 partitions, no replication behind acks=all, no disk), not a real broker: these figures
# show the gateway's own cost of producing and of waiting for every acknowledgement before 250,
# not what a Kafka cluster sustains. The mock runs on the same cores as the gateway and the client,
# so its CPU is reported too.
#
# Two gateway processes run side by side for the whole run: one with the Kafka sink (its defaults:
# enable.idempotence, acks=all, librdkafka's linger.ms=5), one with the discard sink. Each
# configuration: a warm-up run on each, then three measured runs alternating discard and Kafka;
# the medians are printed.
#
# Usage: loadtest/kafka-throughput.sh ["SESSIONS MESSAGES LENGTH"]...
#        (default: "20 20000 1024" "20 5000 102400" "100 20000 1024")
#        KAFKA_ARGS="--Ingest:Kafka:Producer:linger.ms=0" loadtest/kafka-throughput.sh ...   (more switches for the Kafka gateway)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
. loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

configs=("$@")
read -r -a kafka_args <<<"${KAFKA_ARGS:-}"
[ ${#configs[@]} -gt 0 ] || configs=("20 20000 1024" "20 5000 102400" "100 20000 1024")
command -v smtp-source >/dev/null || PATH=$PATH:/usr/sbin
command -v smtp-source >/dev/null || { echo "smtp-source (Debian package postfix) is needed" >&2; exit 1; }

work=$(mktemp -d)
KAFKA_GW=""
DISCARD_GW=""
cleanup() {
  for pid in $KAFKA_GW $DISCARD_GW; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [ -n "${MOCK_PID:-}" ] && kill "$MOCK_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "building (Release) into $work" >&2
dotnet publish src/Ingest.Host -c Release -o "$work/gateway" -v quiet >&2
dotnet build tests/Ingest.Kafka.Mock -c Release -o "$work/mock" -v quiet >&2

coproc MOCK { exec dotnet "$work/mock/Ingest.Kafka.Mock.dll" 3 2>>"$work/mock.log"; }
read -r line <&"${MOCK[0]}"
bootstrap=${line#bootstrap.servers=}
echo "topic ingest-throughput 3" >&"${MOCK[1]}"
read -r reply <&"${MOCK[0]}"
[ "$reply" = ok ] || { echo "mock cluster: $reply" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
clk=$(getconf CLK_TCK)

# start_gateway PORT ARGS...: prints nothing, sets STARTED to the pid once the port accepts.
start_gateway() {
  local port=$1; shift
  dotnet "$work/gateway/Ingest.Host.dll" --Ingest:Server:Endpoints:0=127.0.0.1:"$port" \
    --Ingest:Server:MaxConnectionsPerClient=1000 --Ingest:Management:Endpoint= \
    --Ingest:Management:DrainDelay=00:00:00 --Logging:LogLevel:Default=Warning "$@" >>"$work/gateway-$port.log" 2>&1 &
  STARTED=$!
  wait_for_port "$port" "$STARTED" && return 0
  echo "gateway did not start:" >&2; cat "$work/gateway-$port.log" >&2; exit 1
}

kafka_port=$(free_port)
start_gateway "$kafka_port" --Ingest:Delivery:Sink=Kafka --Ingest:Kafka:BootstrapServers="$bootstrap" --Ingest:Kafka:DefaultTopic=ingest-throughput ${kafka_args[@]+"${kafka_args[@]}"}
KAFKA_GW=$STARTED
discard_port=$(free_port)
start_gateway "$discard_port" --Ingest:Delivery:Sink=Discard
DISCARD_GW=$STARTED

# run PORT PID S M L: one smtp-source run; prints "msg/s gateway-us/msg mock-us/msg errors".
run() {
  local port=$1 pid=$2 s=$3 m=$4 l=$5
  local c0 k0 c1 k1 t0 t1
  c0=$(ticks "$pid"); k0=$(ticks "$MOCK_PID"); t0=$(date +%s.%N)
  smtp-source -s "$s" -m "$m" -l "$l" -d -f a@b.example -t c@d.example 127.0.0.1:"$port" 2>"$work/smtp-source.err" || true
  t1=$(date +%s.%N); c1=$(ticks "$pid"); k1=$(ticks "$MOCK_PID")
  echo "$(echo "$m / ($t1 - $t0)" | bc -l) $(( (c1 - c0) * 1000000 / clk / m )) $(( (k1 - k0) * 1000000 / clk / m )) $(wc -l <"$work/smtp-source.err")"
}

median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

echo "mock cluster at $bootstrap; Kafka gateway 127.0.0.1:$kafka_port ${KAFKA_ARGS:-}, discard gateway 127.0.0.1:$discard_port; $(nproc) cores"
echo
echo "| sessions x messages, size | discard sink | Kafka sink (mock cluster) | Kafka / discard | mock cluster CPU | smtp-source errors (discard, Kafka) |"
echo "|---|---|---|---|---|---|"
for config in "${configs[@]}"; do
  read -r s m l <<<"$config"
  run "$discard_port" "$DISCARD_GW" "$s" "$m" "$l" >/dev/null
  run "$kafka_port" "$KAFKA_GW" "$s" "$m" "$l" >/dev/null
  d_rate=(); d_cpu=(); k_rate=(); k_cpu=(); k_mock=(); d_err=0; k_err=0
  for _ in 1 2 3; do
    read -r rate cpu _ errors <<<"$(run "$discard_port" "$DISCARD_GW" "$s" "$m" "$l")"
    d_rate+=("$rate"); d_cpu+=("$cpu"); d_err=$((d_err + errors))
    read -r rate cpu mock errors <<<"$(run "$kafka_port" "$KAFKA_GW" "$s" "$m" "$l")"
    k_rate+=("$rate"); k_cpu+=("$cpu"); k_mock+=("$mock"); k_err=$((k_err + errors))
  done
  dr=$(median "${d_rate[@]}"); kr=$(median "${k_rate[@]}")
  printf '| %s x %s, %s B | %.0f msg/s, %s us | %.0f msg/s, %s us | %.2fx throughput | %s us/msg | %s, %s |\n' \
    "$s" "$m" "$l" "$dr" "$(median "${d_cpu[@]}")" "$kr" "$(median "${k_cpu[@]}")" "$(echo "$kr / $dr" | bc -l)" "$(median "${k_mock[@]}")" "$d_err" "$k_err"
done
echo "quit" >&"${MOCK[1]}"
