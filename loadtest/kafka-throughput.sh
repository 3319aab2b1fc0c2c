#!/usr/bin/env bash
# Messages per second and CPU per message through the Kafka sink, beside the discard sink and beside
# a bare Confluent.Kafka producer (the anchor), all in the same run (issues 3 and 12), with
# Postfix's smtp-source as the SMTP client, measured as docs/performance.md describes.
#
# Broker: kfake by default (franz-go's independent Kafka-protocol broker, ../shared/kafka-broker,
# built once with its build.sh; KFAKE=path overrides where the binary is), BROKERS=1 broker and a
# topic of PARTITIONS=3 partitions. BROKER=mock uses librdkafka's mock cluster instead
# (tests/Ingest.Kafka.Mock, 3 brokers). The broker runs on the same two cores as the gateway and the
# client, so its CPU per message is reported too.
#
# Two gateway processes run side by side for the whole run: one with the Kafka sink (its shipped
# defaults unless KAFKA_ARGS adds switches), one with the discard sink. Each configuration: a
# warm-up run of each, then three measured rounds of discard, Kafka and the anchor; medians.
#
# The anchor (loadtest/KafkaProducerAnchor) is a bare producer with the gateway's delivery settings
# (idempotent, acks=all) and the same linger as the gateway, SESSIONS tasks each awaiting its
# record's acknowledgement before producing the next, values of the message size with
# ANCHOR_HEADERS (14) small headers: what the client library costs without an SMTP front end.
#
# Then, unless LATENCY=0, the end of data to 250 latency at 20 sessions, 1 KB, from the project's
# load tool (loadtest/Ingest.LoadTest; it pipelines the envelope, so a message is two round trips).
#
# Usage: loadtest/kafka-throughput.sh ["SESSIONS MESSAGES LENGTH"]...
#        (default: "20 20000 1024" "100 20000 1024" "20 20000 10240" "100 20000 10240" "20 5000 102400")
#        KAFKA_ARGS="--Ingest:Kafka:Producer:linger.ms=5" loadtest/kafka-throughput.sh ...
#        GATEWAY_DIR=/tmp/pub-old ANCHOR_LINGER=5 loadtest/kafka-throughput.sh ...   (a gateway published
#          from another commit, for before-and-after runs against the same broker)
#        BROKERS=3 PARTITIONS=12 SPREAD=1 loadtest/kafka-throughput.sh "4 5000 1024"   (then counts the
#          Kafka sink's records per partition with kcat, to show the producer spreads them)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
. loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

configs=("$@")
read -r -a kafka_args <<<"${KAFKA_ARGS:-}"
[ ${#configs[@]} -gt 0 ] || configs=("20 20000 1024" "100 20000 1024" "20 20000 10240" "100 20000 10240" "20 5000 102400")
broker_kind=${BROKER:-kfake}
topic=ingest-throughput
command -v smtp-source >/dev/null || PATH=$PATH:/usr/sbin
command -v smtp-source >/dev/null || { echo "smtp-source is needed: apt-get install postfix" >&2; exit 1; }

work=$(mktemp -d)
KAFKA_GW=""
DISCARD_GW=""
BROKER_PID=""
cleanup() {
  for pid in $KAFKA_GW $DISCARD_GW $BROKER_PID; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "building (Release) into $work" >&2
if [ -n "${GATEWAY_DIR:-}" ]; then
  ln -s "$(cd "$GATEWAY_DIR" && pwd)" "$work/gateway"
else
  dotnet publish src/Ingest.Host -c Release -o "$work/gateway" -v quiet >&2
fi
dotnet build loadtest/KafkaProducerAnchor -c Release -o "$work/anchor" -v quiet >&2
dotnet build loadtest/Ingest.LoadTest -c Release -o "$work/loadtest" -v quiet >&2

if [ "$broker_kind" = mock ]; then
  dotnet build tests/Ingest.Kafka.Mock -c Release -o "$work/mock" -v quiet >&2
  coproc MOCK { exec dotnet "$work/mock/Ingest.Kafka.Mock.dll" 3 2>>"$work/mock.log"; }
  BROKER_PID=$MOCK_PID
  read -r line <&"${MOCK[0]}"
  bootstrap=${line#bootstrap.servers=}
  echo "topic $topic ${PARTITIONS:-3}" >&"${MOCK[1]}"
  read -r reply <&"${MOCK[0]}"
  [ "$reply" = ok ] || { echo "mock cluster: $reply" >&2; exit 1; }
  broker_name="librdkafka mock cluster, 3 brokers"
else
  kfake=${KFAKE:-$(command -v kfake || echo /opt/kfake/kfake)}
  [ -x "$kfake" ] || { echo "kfake not found at $kfake: build it with ../shared/kafka-broker/build.sh (or set KFAKE=)" >&2; exit 1; }
  mkfifo "$work/kfake.out"
  "$kfake" -port 0 -brokers "${BROKERS:-1}" -partitions "${PARTITIONS:-3}" -topics "$topic" \
    -max-message-bytes 10485760 -log error >"$work/kfake.out" 2>"$work/kfake.log" &
  BROKER_PID=$!
  exec 4<"$work/kfake.out"
  read -r line <&4
  bootstrap=${line#kfake listening on }
  broker_name="kfake, ${BROKERS:-1} broker(s)"
fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
clk=$(getconf CLK_TCK)

# start_gateway PORT ARGS...: sets STARTED to the pid once the port accepts.
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
start_gateway "$kafka_port" --Ingest:Delivery:Sink=Kafka --Ingest:Kafka:BootstrapServers="$bootstrap" --Ingest:Kafka:DefaultTopic="$topic" ${kafka_args[@]+"${kafka_args[@]}"}
KAFKA_GW=$STARTED
discard_port=$(free_port)
start_gateway "$discard_port" --Ingest:Delivery:Sink=Discard
DISCARD_GW=$STARTED

# The anchor produces with the gateway's linger unless KAFKA_ARGS sets one.
linger=$(printf '%s\n' "${kafka_args[@]+"${kafka_args[@]}"}" | sed -n 's/^--Ingest:Kafka:Producer:linger.ms=//p' | tail -1)
# The gateway ships linger.ms=0 (src/Ingest.Delivery.Kafka/KafkaProducerHandle.cs); ANCHOR_LINGER for a gateway that ships another.
[ -n "$linger" ] || linger=${ANCHOR_LINGER:-0}

# run PORT PID S M L: one smtp-source run; prints "msg/s gateway-us/msg broker-us/msg errors".
run() {
  local port=$1 pid=$2 s=$3 m=$4 l=$5
  local c0 k0 c1 k1 t0 t1
  c0=$(ticks "$pid"); k0=$(ticks "$BROKER_PID"); t0=$(date +%s.%N)
  smtp-source -s "$s" -m "$m" -l "$l" -d -f a@b.example -t c@d.example 127.0.0.1:"$port" 2>"$work/smtp-source.err" || true
  t1=$(date +%s.%N); c1=$(ticks "$pid"); k1=$(ticks "$BROKER_PID")
  echo "$(echo "$m / ($t1 - $t0)" | bc -l) $(( (c1 - c0) * 1000000 / clk / m )) $(( (k1 - k0) * 1000000 / clk / m )) $(wc -l <"$work/smtp-source.err")"
}

# anchor S M L: prints "msg/s producer-us/record broker-us/record errors".
anchor() {
  local s=$1 m=$2 l=$3 k0 k1 out
  k0=$(ticks "$BROKER_PID")
  out=$(dotnet "$work/anchor/KafkaProducerAnchor.dll" "$bootstrap" "$topic" "$s" "$m" "$l" "${ANCHOR_HEADERS:-14}" "linger.ms=$linger" 2>>"$work/anchor.log") || true
  k1=$(ticks "$BROKER_PID")
  read -r rate cpu errors <<<"$out"
  echo "${rate:-0} ${cpu:-0} $(( (k1 - k0) * 1000000 / clk / m )) ${errors:-1}"
}

median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

echo "broker: $broker_name at $bootstrap, topic $topic of ${PARTITIONS:-3} partitions; Kafka gateway 127.0.0.1:$kafka_port ${KAFKA_ARGS:-(shipped defaults)}; discard gateway 127.0.0.1:$discard_port; anchor linger.ms=$linger, ${ANCHOR_HEADERS:-14} headers; $(nproc) cores; $(date -u +%FT%TZ)"
echo
echo "| sessions x messages, size | discard sink | Kafka sink | Kafka / discard | Kafka sink CPU over discard | broker CPU (Kafka sink) | bare producer (anchor) | broker CPU (anchor) | errors (discard, Kafka, anchor) |"
echo "|---|---|---|---|---|---|---|---|---|"
for config in "${configs[@]}"; do
  read -r s m l <<<"$config"
  run "$discard_port" "$DISCARD_GW" "$s" "$m" "$l" >/dev/null
  run "$kafka_port" "$KAFKA_GW" "$s" "$m" "$l" >/dev/null
  d_rate=(); d_cpu=(); k_rate=(); k_cpu=(); k_broker=(); a_rate=(); a_cpu=(); a_broker=(); d_err=0; k_err=0; a_err=0
  for _ in 1 2 3; do
    read -r rate cpu _ errors <<<"$(run "$discard_port" "$DISCARD_GW" "$s" "$m" "$l")"
    d_rate+=("$rate"); d_cpu+=("$cpu"); d_err=$((d_err + errors))
    read -r rate cpu broker errors <<<"$(run "$kafka_port" "$KAFKA_GW" "$s" "$m" "$l")"
    k_rate+=("$rate"); k_cpu+=("$cpu"); k_broker+=("$broker"); k_err=$((k_err + errors))
    read -r rate cpu broker errors <<<"$(anchor "$s" "$m" "$l")"
    a_rate+=("$rate"); a_cpu+=("$cpu"); a_broker+=("$broker"); a_err=$((a_err + errors))
  done
  dr=$(median "${d_rate[@]}"); kr=$(median "${k_rate[@]}"); dc=$(median "${d_cpu[@]}"); kc=$(median "${k_cpu[@]}")
  printf '| %s x %s, %s B | %.0f msg/s, %s us | %.0f msg/s, %s us | %.2fx | +%s us | %s us | %.0f msg/s, %s us | %s us | %s, %s, %s |\n' \
    "$s" "$m" "$l" "$dr" "$dc" "$kr" "$kc" "$(echo "$kr / $dr" | bc -l)" "$((kc - dc))" "$(median "${k_broker[@]}")" \
    "$(median "${a_rate[@]}")" "$(median "${a_cpu[@]}")" "$(median "${a_broker[@]}")" "$d_err" "$k_err" "$a_err"
done

if [ "${LATENCY:-1}" != 0 ]; then
  echo
  echo "End of data to final reply, 20 connections x 1 KB, pipelined envelope, 30 s or 40,000 messages (loadtest/Ingest.LoadTest), after a 10,000-message warm-up:"
  lt() { dotnet "$work/loadtest/Ingest.LoadTest.dll" --port "$1" -c 20 --size 1k "${@:2}"; }
  lt "$kafka_port" --total 10000 --duration 30 >/dev/null 2>&1
  for port in "$discard_port" "$kafka_port"; do
    name=$([ "$port" = "$kafka_port" ] && echo "Kafka sink" || echo "discard sink")
    lt "$port" --total 40000 --duration 30 --json "$work/latency.json" >/dev/null 2>&1
    python3 - "$name" "$work/latency.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
l = r["latencyMs"]
print(f"- {sys.argv[1]}: {r['replied250']} accepted, {r['messagesPerSecond']:.0f} msg/s; p50 {l['p50']:.2f} ms, p90 {l['p90']:.2f} ms, p99 {l['p99']:.2f} ms, max {l['max']:.2f} ms")
PY
  done
fi
if [ "${SPREAD:-0}" != 0 ]; then
  # The gateway's records carry the ingest-version header; the anchor's do not.
  echo
  echo "Kafka sink records per partition (kcat, the gateway's records only):"
  kcat -C -b "$bootstrap" -t "$topic" -e -q -f '%p %h\n' 2>>"$work/kcat.log" | grep ingest-version | awk '{print $1}' | sort -n | uniq -c |
    awk '{printf "- partition %s: %s records\n", $2, $1}'
fi
[ "$broker_kind" = mock ] && echo "quit" >&"${MOCK[1]}"
exit 0
