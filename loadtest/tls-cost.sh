#!/usr/bin/env bash
# What TLS costs the gateway: plaintext, STARTTLS (RFC 3207) and implicit TLS (RFC 8314) side by
# side, driven by loadtest/Ingest.LoadTest (docs/performance.md, section "TLS cost").
#
# One gateway (Release publish, discard sink, no management endpoint) listens on two ports picked
# free at run time on 127.0.0.1: a plain one that offers STARTTLS and an implicit-TLS one, with a
# self-signed P-256 certificate made by openssl for this run. The load tool accepts the
# certificate unchecked (--tls-insecure): a self-signed one on loopback.
#
# Points (each for plaintext, --starttls and --implicit-tls; pipelined DATA):
#   20 connections x many messages, 1 KB and 100 KB    the per-byte cost of the record layer
#   1 connection x many messages, 1 KB                 the per-message cost at one round trip
#   20 connections x 1 message each, 1 KB              every message pays a full handshake
#   20 connections x 1 message each, 1 KB, resumed     TLS modes only: --tls-server-name localhost,
#                                                      so .NET resumes sessions (RFC 8446 2.2)
# Each point: a warm-up run per mode (WARMUP seconds), then ROUNDS rounds, each one run per mode
# in turn, so slow drift of a shared machine touches every mode alike. A run sends for RUN_SECONDS
# (--duration ends it; at most one message per connection is cut off). Reported: medians of
# messages/s (accepted / elapsed), of the gateway's CPU per message (utime + stime from
# /proc/PID/stat over the run, 10 ms ticks) and of the load tool's CPU per message (its own count
# over the sending, start-up excluded; the two share the machine's cores).
#
# Then idle connections: per mode, a fresh gateway, a warm-up of 200 messages in that mode, and
# IDLE_CONNECTIONS connections held for IDLE_HOLD seconds (--idle-connections); the gateway's VmRSS
# and VmHWM (/proc/PID/status) before, while holding, and after.
#
# Usage: loadtest/tls-cost.sh
#   OUT=FILE          the Markdown report (default /tmp/ingest-tls-cost-<time>.md); raw runs in FILE.csv
#   RUN_SECONDS=10 ROUNDS=3 WARMUP=3     per measured run, rounds, warm-up seconds
#   MATRIX=0  IDLE=0  skip a part;  IDLE_CONNECTIONS=2000 IDLE_HOLD=20  IDLE_MODES="plain starttls"
# Takes about 12 minutes with the defaults. Needs dotnet, openssl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
. loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=true

RUN_SECONDS=${RUN_SECONDS:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
MATRIX=${MATRIX:-1}
IDLE=${IDLE:-1}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-2000}
IDLE_HOLD=${IDLE_HOLD:-20}
read -r -a IDLE_MODES <<<"${IDLE_MODES:-plain starttls implicit}"
OUT=${OUT:-/tmp/ingest-tls-cost-$(date +%Y%m%d-%H%M%S).md}
CSV=$OUT.csv
MODES=(plain starttls implicit)

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in dotnet openssl python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done

work=$(mktemp -d /tmp/ingest-tls-cost.XXXXXX)
GW=""
CLIENT=""
cleanup() {
  local status=$?
  [ -n "$CLIENT" ] && kill "$CLIENT" 2>/dev/null && wait "$CLIENT" 2>/dev/null
  stop_gateway
  [ "$status" -eq 0 ] || { log "failed (exit $status); gateway log:"; tail -n 20 "$work/gateway.log" >&2 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# retry CMD...: a build step, up to 3 times (another build in the tree can hold a file lock).
retry() {
  local attempt
  for attempt in 1 2 3; do
    if "$@" >"$work/build.log" 2>&1; then return 0; fi
    log "attempt $attempt failed: $*"; tail -n 5 "$work/build.log" >&2
    sleep 10
  done
  die "build step failed three times: $*"
}

ticks() { awk '{print $14 + $15}' "/proc/$GW/stat"; }
status_kb() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$GW/status"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

start_gateway() {
  PLAIN_PORT=$(free_port)
  TLS_PORT=$(free_port)
  dotnet "$work/gateway/Ingest.Host.dll" --Ingest:Delivery:Sink=Discard --Ingest:Management:Endpoint= \
    --Ingest:Management:DrainDelay=00:00:00 --Logging:LogLevel:Default=Warning \
    --Ingest:Server:MaxConnectionsPerClient=$((IDLE_CONNECTIONS + 1000)) --Ingest:Server:MaxConnections=$((IDLE_CONNECTIONS + 1000)) \
    --Ingest:Server:Endpoints:0=127.0.0.1:"$PLAIN_PORT" --Ingest:Server:Endpoints:1=127.0.0.1:"$TLS_PORT" \
    --Ingest:Server:Tls:Certificate="$work/cert.pem" --Ingest:Server:Tls:CertificateKey="$work/key.pem" \
    --Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:"$TLS_PORT" >"$work/gateway.log" 2>&1 &
  GW=$!
  wait_for_port "$TLS_PORT" "$GW" && return 0
  cat "$work/gateway.log" >&2
  die "the gateway did not start"
}

stop_gateway() {
  [ -n "$GW" ] || return 0
  kill "$GW" 2>/dev/null || true
  wait "$GW" 2>/dev/null || true
  GW=""
}

# mode_args MODE: the load tool's target and TLS switches for plain, starttls or implicit.
mode_args() {
  case $1 in
    plain) echo "--port $PLAIN_PORT" ;;
    starttls) echo "--port $PLAIN_PORT --starttls --tls-insecure" ;;
    implicit) echo "--port $TLS_PORT --implicit-tls --tls-insecure" ;;
  esac
}

LT=(dotnet "$work/loadtest/Ingest.LoadTest.dll")

# run POINT MODE ROUND SECONDS ARGS...: one run, appended to the CSV (round 0 is the warm-up).
run() {
  local point=$1 mode=$2 round=$3 seconds=$4; shift 4
  local json="$work/run.json" c0 c1 load target
  read -r -a target <<<"$(mode_args "$mode")"
  load=$(load1); c0=$(ticks)
  "${LT[@]}" "${target[@]}" --total 1000000000 --duration "$seconds" --json "$json" "$@" >/dev/null 2>&1
  c1=$(ticks)
  python3 - "$json" "$point" "$mode" "$round" "$((c1 - c0))" "$load" >>"$CSV" <<'EOF'
import csv, json, sys
r = json.load(open(sys.argv[1]))
point, mode, rnd, ticks, load = sys.argv[2:]
cpu = f'{r["clientCpuSeconds"]:.3f}'
tls = ";".join(f"{k} x{v}" for k, v in (r["tls"] or {}).get("sessions", {}).items())
errors = sum(r["connectionErrors"].values())
csv.writer(sys.stdout, lineterminator="\n").writerow([
    point, mode, rnd, f'{r["elapsedSeconds"]:.3f}', r["replied250"], r["attempted"] - r["replied250"] - r["unanswered"],
    r["unanswered"], r["connectionsOpened"], errors, ticks, cpu, load, tls])
EOF
}

# point NAME MODES ARGS...: warm-up and ROUNDS rounds of each mode in MODES (space-separated).
point() {
  local name=$1 modes=$2; shift 2
  local mode round
  log "point: $name"
  for mode in $modes; do run "$name" "$mode" 0 "$WARMUP" "$@"; done
  for round in $(seq 1 "$ROUNDS"); do
    for mode in $modes; do run "$name" "$mode" "$round" "$RUN_SECONDS" "$@"; done
  done
}

# idle MODE: a fresh gateway, a warm-up, IDLE_CONNECTIONS held; one CSV line in $work/idle.csv.
idle() {
  local mode=$1 before_rss before_hwm held_rss held_fd after_rss after_hwm err="$work/idle.err" target
  start_gateway
  read -r -a target <<<"$(mode_args "$mode")"
  "${LT[@]}" "${target[@]}" -c 4 --total 200 >/dev/null 2>&1
  sleep 1
  before_rss=$(status_kb VmRSS); before_hwm=$(status_kb VmHWM)
  "${LT[@]}" "${target[@]}" --idle-connections "$IDLE_CONNECTIONS" --duration "$IDLE_HOLD" --json "$work/idle.json" >/dev/null 2>"$err" &
  CLIENT=$!
  local _
  for _ in $(seq 1 600); do grep -qs Holding "$err" && break; sleep 0.1; done
  sleep $((IDLE_HOLD / 2))
  held_rss=$(status_kb VmRSS); held_fd=$(find "/proc/$GW/fd" -mindepth 1 2>/dev/null | wc -l)
  wait "$CLIENT"; CLIENT=""
  sleep 1
  after_rss=$(status_kb VmRSS); after_hwm=$(status_kb VmHWM)
  python3 - "$work/idle.json" "$mode" "$before_rss" "$before_hwm" "$held_rss" "$held_fd" "$after_rss" "$after_hwm" >>"$work/idle.csv" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(",".join([*sys.argv[2:], str(r["established"]), str(r["stayedOpen"]), str(r["quitAnswered221"])]))
EOF
  stop_gateway
}

# ---------------------------------------------------------------------------------------------

log "building the gateway and the load tool (Release) into $work"
retry dotnet publish src/Ingest.Host -c Release -o "$work/gateway"
retry dotnet publish loadtest/Ingest.LoadTest -c Release -o "$work/loadtest"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 1 -subj /CN=localhost 2>/dev/null
[ "$(ulimit -n)" -ge $((IDLE_CONNECTIONS + 500)) ] || ulimit -n $((IDLE_CONNECTIONS + 500)) \
  || die "open-files limit too low for $IDLE_CONNECTIONS connections"

# The report's header, through the environment to the Python that writes it.
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
UPTIME_START=$(uptime)
BUSIEST=$(ps -eo ni,pcpu,etime,comm --sort=-pcpu | head -n 8)
export STARTED UPTIME_START BUSIEST
echo "point,mode,round,elapsed_s,accepted,refused,unanswered,connections,connection_errors,gateway_ticks,client_cpu_s,load1,tls" >"$CSV"

if [ "$MATRIX" = 1 ]; then
  start_gateway
  point "20 connections, many messages, 1 KB" "${MODES[*]}" -c 20 --size 1k
  point "20 connections, many messages, 100 KB" "${MODES[*]}" -c 20 --size 100k
  point "1 connection, many messages, 1 KB" "${MODES[*]}" -c 1 --size 1k
  point "20 connections, 1 message each, 1 KB, full handshakes" "${MODES[*]}" -c 20 --size 1k --reconnect-after 1
  point "20 connections, 1 message each, 1 KB, sessions resumed" "starttls implicit" -c 20 --size 1k --reconnect-after 1 --tls-server-name localhost
  stop_gateway
fi

if [ "$IDLE" = 1 ]; then
  for mode in "${IDLE_MODES[@]}"; do log "idle: $IDLE_CONNECTIONS connections, $mode"; idle "$mode"; done
fi
UPTIME_END=$(uptime)
export UPTIME_END

python3 - "$CSV" "$work/idle.csv" "$RUN_SECONDS" "$ROUNDS" "$IDLE_CONNECTIONS" "$IDLE_HOLD" >"$OUT" <<'EOF'
import csv, os, statistics, sys
path, idle_path, seconds, rounds, idle_n, idle_hold = sys.argv[1:]
env = os.environ
print(f"# TLS cost, {env['STARTED']}\n")
print(f"Machine load: `{env['UPTIME_START'].strip()}` at the start, `{env['UPTIME_END'].strip()}` at the end.\n")
print(f"Busiest processes at the start:\n\n```\n{env['BUSIEST']}\n```\n")
rows = [r for r in csv.DictReader(open(path)) if r["round"] != "0"]
points = list(dict.fromkeys(r["point"] for r in rows))
names = {"plain": "plaintext", "starttls": "STARTTLS", "implicit": "implicit TLS"}
def stats(point, mode):
    runs = [r for r in rows if r["point"] == point and r["mode"] == mode]
    if not runs: return None
    acc = [int(r["accepted"]) for r in runs]
    rate = statistics.median(a / float(r["elapsed_s"]) for a, r in zip(acc, runs))
    gw = statistics.median(int(r["gateway_ticks"]) * 10000 / a for a, r in zip(acc, runs))
    cl = statistics.median(float(r["client_cpu_s"]) * 1e6 / a for a, r in zip(acc, runs))
    errs = sum(int(r["connection_errors"]) + int(r["refused"]) for r in runs)
    tls = runs[0]["tls"]
    return rate, gw, cl, errs, tls, len(runs)
if rows:
    print(f"Median of {rounds} runs of {seconds} s per cell: messages/s, then the gateway's CPU per message")
    print("(utime + stime), then the load tool's; in brackets the ratio to plaintext at the same point.\n")
    print("| point | " + " | ".join(names[m] for m in names) + " |")
    print("|---|---|---|---|")
    sessions = set()
    for p in points:
        base = stats(p, "plain") or stats(p.replace("sessions resumed", "full handshakes"), "plain")
        cells = []
        for m in names:
            s = stats(p, m)
            if s is None: cells.append("(as above)"); continue
            rate, gw, cl, errs, tls, n = s
            if tls: sessions.add(tls.split(" x")[0])
            ratio = f" ({rate / base[0]:.2f}x, {gw / base[1]:.2f}x)" if m != "plain" and base else ""
            cells.append(f"{rate:,.0f} msg/s, {gw:,.0f} us, client {cl:,.0f} us{ratio}" + (f", {errs} errors" if errs else ""))
        print(f"| {p} | " + " | ".join(cells) + " |")
    print(f"\nNegotiated: {', '.join(sorted(sessions))}.\n")
if os.path.exists(idle_path):
    print(f"Idle: {idle_n} connections held {idle_hold} s, gateway VmRSS / VmHWM in MiB:\n")
    print("| mode | before (after warm-up) | holding | open fds | after QUIT (RSS / HWM) | established / stayed open / 221 |")
    print("|---|---|---|---|---|---|")
    for m, brss, bhwm, hrss, hfd, arss, ahwm, est, stayed, quit in csv.reader(open(idle_path)):
        mib = lambda kb: f"{int(kb) / 1024:.0f}"
        per = (int(hrss) - int(brss)) / int(idle_n)
        print(f"| {names[m]} | {mib(brss)} / {mib(bhwm)} | {mib(hrss)} (+{per:.1f} KB per connection) | {hfd} | {mib(arss)} / {mib(ahwm)} | {est} / {stayed} / {quit} |")
EOF
log "report: $OUT (raw runs: $CSV)"
cat "$OUT"
