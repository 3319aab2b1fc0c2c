#!/usr/bin/env bash
# What sender authentication (SPF, DKIM, DMARC; issue 15) costs the gateway: CPU per message with
# Ingest:Authentication:Enabled off and on, at 1 KB and 100 KB, with a warm DNS cache
# (docs/performance.md, section "Sender authentication").
#
# A local dnsmasq on a free loopback port serves the sender's zone: SPF (ip4:127.0.0.1 -all), a
# 2048-bit DKIM key and DMARC p=reject for loadtest.example, the load tool's MAIL FROM domain.
# Messages are signed by loadtest/dkim-sign.py (openssl; rsa-sha256, simple/simple) and sent by
# loadtest/Ingest.LoadTest with --eml-dir; every one passes SPF, DKIM and DMARC, as the gateway's
# log would show (a sample is checked through a Maildir gateway first). Two gateways (Release
# publish, discard sink), one with verification, one without, run side by side; each point: a
# warm-up run per gateway, then ROUNDS rounds of one RUN_SECONDS run per gateway, medians of
# gateway CPU per message (utime + stime from /proc/PID/stat, 10 ms ticks, over the run /
# accepted) and messages/s.
#
# Usage: loadtest/auth-cost.sh        (OUT=FILE, RUN_SECONDS=10, ROUNDS=3, WARMUP=3, CONNECTIONS=20)
# Needs dotnet, dnsmasq (apt-get install dnsmasq-base), openssl and python3. About 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
. loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=true

RUN_SECONDS=${RUN_SECONDS:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-20}
OUT=${OUT:-/tmp/ingest-auth-cost-$(date +%Y%m%d-%H%M%S).md}
DOMAIN=loadtest.example
SENDER=loadtest@loadtest.example

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in dotnet dnsmasq openssl python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done

work=$(mktemp -d /tmp/ingest-auth-cost.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log "building"
dotnet publish src/Ingest.Host -c Release -o "$work/pub" >/dev/null
dotnet build loadtest/Ingest.LoadTest -c Release >/dev/null
LT=(dotnet loadtest/Ingest.LoadTest/bin/Release/net10.0/Ingest.LoadTest.dll)

log "zone and messages"
openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
public=$(openssl rsa -in "$work/key.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
record="v=DKIM1; k=rsa; p=$public"
# TXT strings hold at most 255 octets (RFC 1035 3.3.14): the key record is split. On its command
# line dnsmasq takes quotes literally; strings are separated by commas.
txt=$(python3 -c 'import sys; r=sys.argv[1]; print(",".join(r[i:i+255] for i in range(0,len(r),255)))' "$record")
for size in 1024 102400; do
  mkdir -p "$work/eml-$size"
  python3 loadtest/dkim-sign.py "$work/key.pem" "$DOMAIN" sel "$SENDER" "$size" "$work/eml-$size/m.eml"
done

dns_port=$(free_port)
# --local-ttl: dnsmasq gives its own records a TTL of 0 otherwise, which no cache keeps.
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port="$dns_port" \
  --pid-file="$work/dnsmasq.pid" --local-ttl=3600 --local=/example/ \
  --txt-record="$DOMAIN,v=spf1 ip4:127.0.0.1 -all" \
  --txt-record="_dmarc.$DOMAIN,v=DMARC1; p=reject" \
  --txt-record="sel._domainkey.$DOMAIN,$txt" &
PIDS+=($!)

common=(--Ingest:Management:Endpoint= --Ingest:Management:DrainDelay=00:00:00 --Logging:LogLevel:Default=Warning
  --Ingest:Server:MaxConnectionsPerClient=1000)
auth=(--Ingest:Authentication:Enabled=true "--Ingest:Authentication:Dns:Servers:0=127.0.0.1:$dns_port")

# A sample through a Maildir gateway: the verdicts must all be pass, or the figures mean nothing.
check_port=$(free_port)
dotnet "$work/pub/Ingest.Host.dll" "${common[@]}" "${auth[@]}" "--Ingest:Server:Endpoints:0=127.0.0.1:$check_port" \
  --Ingest:Delivery:Sink=Maildir "--Ingest:Maildir:Path=$work/maildir" >"$work/check.log" 2>&1 &
check=$!
PIDS+=($check)
wait_for_port "$check_port" "$check" || die "the checking gateway did not start"
"${LT[@]}" --port "$check_port" -c 1 -m 2 --eml-dir "$work/eml-1024" >/dev/null
kill "$check"; wait "$check" 2>/dev/null || true
verdicts=$(cat "$work"/maildir/new/* | grep -cE '^	(spf|dkim|dmarc)=pass' || true)
[ "$verdicts" -eq 6 ] || { cat "$work"/maildir/new/* | head -20; die "expected spf, dkim and dmarc pass on both sample messages"; }
log "sample verified: spf, dkim and dmarc pass"

off_port=$(free_port); on_port=$(free_port)
dotnet "$work/pub/Ingest.Host.dll" "${common[@]}" "--Ingest:Server:Endpoints:0=127.0.0.1:$off_port" --Ingest:Delivery:Sink=Discard >"$work/off.log" 2>&1 &
off=$!; PIDS+=($off)
dotnet "$work/pub/Ingest.Host.dll" "${common[@]}" "${auth[@]}" "--Ingest:Server:Endpoints:0=127.0.0.1:$on_port" --Ingest:Delivery:Sink=Discard >"$work/on.log" 2>&1 &
on=$!; PIDS+=($on)
wait_for_port "$off_port" "$off" && wait_for_port "$on_port" "$on" || die "gateways did not start"

cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
# One run: prints "accepted msg/s us/msg".
run() {
  local port=$1 pid=$2 size=$3 seconds=$4
  local c0 c1 json="$work/run.json"
  c0=$(cpu "$pid")
  "${LT[@]}" --port "$port" -c "$CONNECTIONS" --total 1000000000 --duration "$seconds" --eml-dir "$work/eml-$size" --json "$json" >/dev/null
  c1=$(cpu "$pid")
  python3 - "$json" "$c0" "$c1" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
accepted = run["replied250"]
elapsed = run["elapsedSeconds"]
ticks = int(sys.argv[3]) - int(sys.argv[2])
print(accepted, round(accepted / elapsed), round(ticks * 10000 / accepted, 1))
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

{
  echo "# Sender authentication cost ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg). $CONNECTIONS connections, pipelined DATA, ${RUN_SECONDS} s runs, $ROUNDS rounds, medians."
  echo
  echo "| size | verification | msg/s | gateway CPU per message (us) |"
  echo "|---|---|---|---|"
} >"$OUT"
for size in 1024 102400; do
  log "size $size: warm-up"
  run "$off_port" "$off" "$size" "$WARMUP" >/dev/null
  run "$on_port" "$on" "$size" "$WARMUP" >/dev/null
  : >"$work/off-$size"; : >"$work/on-$size"
  for round in $(seq 1 "$ROUNDS"); do
    run "$off_port" "$off" "$size" "$RUN_SECONDS" >>"$work/off-$size"
    run "$on_port" "$on" "$size" "$RUN_SECONDS" >>"$work/on-$size"
    log "size $size round $round: off $(tail -1 "$work/off-$size"), on $(tail -1 "$work/on-$size")"
  done
  for mode in off on; do
    rate=$(cut -d' ' -f2 "$work/$mode-$size" | median)
    us=$(cut -d' ' -f3 "$work/$mode-$size" | median)
    echo "| $((size / 1024)) KB | $mode | $rate | $us |" >>"$OUT"
  done
done
echo >>"$OUT"
echo "Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$OUT"
cat "$OUT"
