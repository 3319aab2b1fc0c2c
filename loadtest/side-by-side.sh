#!/usr/bin/env bash
# The gateway beside established SMTP servers, the same workload in one run (issue 6).
#
# Servers, all on 127.0.0.1 at ports picked free at run time, all running for the whole run, each
# accepting and dropping every message:
#   ingest      the gateway's Release build (dotnet publish), discard sink
#   smtp-sink   Postfix's smtp-sink: a server that does nothing, the ceiling every ratio is taken to
#   smtpserver  cosullivan's SmtpServer NuGet package with a dropping store (loadtest/SmtpServerPeer)
#   nodemailer  Nodemailer's smtp-server from npm, dropping (loadtest/node-peer)
#
# Client: Postfix's smtp-source, a client nobody here wrote; it does not pipeline. The matrix is
# every message size (1 KB, 10 KB, 100 KB) x sessions in parallel (1, 20, 100) x connection use
# ("reuse": smtp-source -d, many messages per connection; "single": one message per connection).
# Each point: a warm-up run on every server, then three measured rounds, each round one run per
# server in turn (so slow drift of the machine touches every server alike). Reported: the median
# messages/s (messages / wall time of the smtp-source run) and the median server CPU microseconds
# per message (utime + stime of the server process from /proc/PID/stat over the run), and each as
# a ratio to smtp-sink at the same point.
#
# Then the idle scenario: a fresh gateway holds 10,000 idle connections opened by
# loadtest/Ingest.LoadTest --idle-connections; its VmRSS and VmHWM (/proc/PID/status) are read
# before the connections, while they are held, and after.
#
# Usage: loadtest/side-by-side.sh
#   OUT=FILE         the Markdown report (default: /tmp/ingest-side-by-side-<time>.md); the raw
#                    runs go beside it as FILE.csv, the servers' logs into FILE.logs/
#   SCALE=0.1        multiply every message count (a quick smoke run; default 1)
#   SERVERS="ingest smtp-sink"   a subset of the servers (smtp-sink is always measured: ratios)
#   MATRIX=0         skip the matrix;  IDLE=0  skip the idle scenario
#   IDLE_CONNECTIONS=10000  IDLE_HOLD=30   the idle scenario's size and hold time in seconds
#
# Needs: dotnet, node and npm, python3 (free ports), bc, Postfix's smtp-source and smtp-sink.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=loadtest/lib.sh
. loadtest/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=true
PATH=$PATH:/usr/sbin

SIZES=(1024 10240 102400)
SESSION_COUNTS=(1 20 100)
MODES=(reuse single)
read -r -a SERVERS <<<"${SERVERS:-ingest smtp-sink smtpserver nodemailer}"
SCALE=${SCALE:-1}
MATRIX=${MATRIX:-1}
IDLE=${IDLE:-1}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
IDLE_HOLD=${IDLE_HOLD:-30}
OUT=${OUT:-/tmp/ingest-side-by-side-$(date +%Y%m%d-%H%M%S).md}
CLK=$(getconf CLK_TCK)

# Gateway switches common to every gateway this script starts: discard sink, no management
# endpoint, quiet logs, and room for 100 sessions from one address (the default allows 50).
GATEWAY_ARGS=(--Ingest:Delivery:Sink=Discard --Ingest:Management:Endpoint= --Logging:LogLevel:Default=Warning
  --Ingest:Server:MaxConnectionsPerClient=1000)

declare -A PID=() PORT=() LABEL=(
  [ingest]="Ingest (discard sink)" [smtp-sink]="smtp-sink" [smtpserver]="SmtpServer 11.1.0" [nodemailer]="Nodemailer smtp-server 3.21.6")

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Set-up and clean-up

work=$(mktemp -d /tmp/ingest-side-by-side.XXXXXX)
logs="$OUT.logs"
cleanup() {
  local status=$?
  for name in "${!PID[@]}"; do stop_server "$name"; done
  [ -n "${IDLE_CLIENT:-}" ] && kill "$IDLE_CLIENT" 2>/dev/null && wait "$IDLE_CLIENT" 2>/dev/null
  { mkdir -p "$logs"; cp "$work"/*.log "$logs"/; } 2>/dev/null || true
  rm -rf "$work"
  [ "$status" -eq 0 ] || log "failed (exit $status); server logs in $logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check_tools() {
  local tool
  for tool in dotnet node npm python3 bc smtp-source smtp-sink; do
    command -v "$tool" >/dev/null || die "$tool is needed (smtp-source and smtp-sink: Debian package postfix)"
  done
}

# retry CMD...: runs a build step up to 3 times; another build in the same tree can hold a file
# lock for a moment (MSB3026/MSB3027, "being used by another process").
retry() {
  local attempt
  for attempt in 1 2 3; do
    if "$@" >"$work/build.log" 2>&1; then return 0; fi
    log "attempt $attempt failed: $*"; tail -n 5 "$work/build.log" >&2
    sleep 10
  done
  cat "$work/build.log" >&2
  die "build step failed three times: $*"
}

build() {
  log "building the gateway, the SmtpServer peer and the load tool (Release) into $work"
  retry dotnet publish src/Ingest.Host -c Release -o "$work/gateway"
  if [ "$MATRIX" = 1 ] && wanted smtpserver; then
    retry dotnet publish loadtest/SmtpServerPeer -c Release -o "$work/smtpserver"
  fi
  if [ "$IDLE" = 1 ]; then retry dotnet build loadtest/Ingest.LoadTest -c Release; fi
  if [ "$MATRIX" = 1 ] && wanted nodemailer; then
    log "installing smtp-server into loadtest/node-peer/node_modules"
    retry npm ci --prefix loadtest/node-peer --no-audit --no-fund
  fi
}

wanted() { [[ " ${SERVERS[*]} " == *" $1 "* ]]; }

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------------------------------------
# Servers

# start_server NAME [EXTRA GATEWAY ARGS...]: starts NAME on a free port and waits until the port
# accepts; sets PID[NAME] and PORT[NAME]. Every server is started in the foreground of its own
# background job, so $! is the server process itself (its CPU is what /proc/$!/stat shows).
start_server() {
  local name=$1; shift
  local port; port=$(free_port)
  local log="$work/$name.log"
  case $name in
    ingest) dotnet "$work/gateway/Ingest.Host.dll" "${GATEWAY_ARGS[@]}" \
              --Ingest:Server:Endpoints:0=127.0.0.1:"$port" "$@" >"$log" 2>&1 & ;;
    smtp-sink) smtp-sink -u nobody 127.0.0.1:"$port" 1000 >"$log" 2>&1 & ;;
    smtpserver) dotnet "$work/smtpserver/SmtpServerPeer.dll" "$port" >"$log" 2>&1 & ;;
    nodemailer) node loadtest/node-peer/server.js "$port" >"$log" 2>&1 & ;;
    *) die "unknown server $name" ;;
  esac
  PID[$name]=$!
  PORT[$name]=$port
  wait_for_port "$port" "${PID[$name]}" && return 0
  cat "$log" >&2
  die "$name did not start on 127.0.0.1:$port"
}

stop_server() {
  local name=$1 pid=${PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PID[$name]"
}

alive() { kill -0 "${PID[$1]}" 2>/dev/null || die "$1 (pid ${PID[$1]}) died; its log: $logs/$1.log"; }

# ---------------------------------------------------------------------------------------------
# The matrix

# messages SIZE SESSIONS MODE [SERVER]: how many messages one run sends. Chosen so that a run
# takes about a second on most servers (enough CPU ticks to count: a tick is 10 ms) and the whole
# script about seven minutes on a 2-core machine, the build included: fewer at 100 KB, at one
# session, and with one message per connection. SCALE=2 halves the tick error, at twice the time.
#
# One exception, Nodemailer with one message per connection: smtp-server holds every new
# connection 100 ms before its greeting (a hard-coded early-talker check in smtp-connection.js),
# so it serves at most 10 connections per second per session; its count there is capped at
# 5 seconds' worth (50 per session). Rates and CPU per message stay comparable.
messages() {
  local size=$1 sessions=$2 mode=$3 server=${4:-} count
  case $mode-$size-$sessions in
    reuse-1024-1) count=4000 ;;    reuse-1024-*) count=12000 ;;
    reuse-10240-1) count=3000 ;;   reuse-10240-*) count=8000 ;;
    reuse-102400-1) count=800 ;;   reuse-102400-*) count=1500 ;;
    single-102400-1) count=600 ;;  single-102400-*) count=1500 ;;
    single-*-1) count=1000 ;;      single-*) count=3000 ;;
  esac
  if [ "$server" = nodemailer ] && [ "$mode" = single ] && [ "$count" -gt $((sessions * 50)) ]; then
    count=$((sessions * 50))
  fi
  count=$(echo "$count * $SCALE / 1" | bc)
  echo $((count > sessions ? count : sessions))
}

# run_once NAME SIZE SESSIONS MODE COUNT: one smtp-source run against NAME.
# Prints "messages/s cpu-us/message errors" (errors: lines smtp-source wrote to stderr, or 1 when
# it failed without a word).
run_once() {
  local name=$1 size=$2 sessions=$3 mode=$4 count=$5
  local args=(-s "$sessions" -m "$count" -l "$size" -f a@b.example -t c@d.example)
  [ "$mode" = reuse ] && args+=(-d)
  local c0 c1 t0 t1
  c0=$(ticks "${PID[$name]}"); t0=$(date +%s.%N)
  local status=0
  smtp-source "${args[@]}" 127.0.0.1:"${PORT[$name]}" 2>"$work/smtp-source.err" || status=$?
  t1=$(date +%s.%N); c1=$(ticks "${PID[$name]}")
  alive "$name"
  local errors; errors=$(wc -l <"$work/smtp-source.err")
  # A failed exit without a line on stderr still counts as an error.
  [ "$status" -eq 0 ] || [ "$errors" -gt 0 ] || errors=1
  echo "$(echo "$count / ($t1 - $t0)" | bc -l) $(( (c1 - c0) * 1000000 / CLK / count )) $errors"
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
ratio() { echo "scale=4; $1 / $2" | bc -l; }
thousands() { printf '%.0f' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# measure_point SIZE SESSIONS MODE: warm-up, three rounds; appends to $OUT.csv and sets
# RATE[NAME] CPU[NAME] ERRORS[NAME] to the medians and the error total.
declare -A RATE=() CPU=() ERRORS=()
measure_point() {
  local size=$1 sessions=$2 mode=$3 count name round rate cpu errors
  declare -A rates=() cpus=()
  for name in "${SERVERS[@]}"; do
    run_once "$name" "$size" "$sessions" "$mode" "$(messages "$size" "$sessions" "$mode" "$name")" >/dev/null
  done
  for round in 1 2 3; do
    for name in "${SERVERS[@]}"; do
      count=$(messages "$size" "$sessions" "$mode" "$name")
      read -r rate cpu errors <<<"$(run_once "$name" "$size" "$sessions" "$mode" "$count")"
      alive "$name"   # run_once's own check ran in a subshell
      [ -n "$errors" ] || die "no result from $name"
      echo "$name,$size,$sessions,$mode,$count,$round,$rate,$cpu,$errors" >>"$OUT.csv"
      rates[$name]+="$rate "; cpus[$name]+="$cpu "
      ERRORS[$name]=$(( ${ERRORS[$name]:-0} + errors ))
    done
  done
  for name in "${SERVERS[@]}"; do
    # shellcheck disable=SC2086 # word splitting of the collected samples is intended
    RATE[$name]=$(median ${rates[$name]})
    # shellcheck disable=SC2086
    CPU[$name]=$(median ${cpus[$name]})
  done
}

# cell NAME: "21,600 msg/s (0.73x), 57 us (1.70x)"; smtp-sink's own cell has no ratios.
cell() {
  local name=$1 rate=${RATE[$1]} cpu=${CPU[$1]}
  if [ "$name" = smtp-sink ]; then
    printf '%s msg/s, %s us' "$(thousands "$rate")" "$cpu"
  else
    local cpu_ratio=n/a
    [ "${CPU[smtp-sink]}" -gt 0 ] && cpu_ratio=$(printf '%.2fx' "$(ratio "$cpu" "${CPU[smtp-sink]}")")
    printf '%s msg/s (%.2fx), %s us (%s)' "$(thousands "$rate")" "$(ratio "$rate" "${RATE[smtp-sink]}")" "$cpu" "$cpu_ratio"
  fi
}

run_matrix() {
  local name size sessions mode header="| size | sessions | per connection | messages |" rule="|---|---|---|---|"
  for name in "${SERVERS[@]}"; do start_server "$name"; done
  # Once per server before any point: the .NET servers run their first 10,000-20,000 messages at a
  # fraction of their steady rate while the JIT tiers the hot paths up (docs/performance.md), which
  # a point's own warm-up run is too short to cover at one session.
  for name in "${SERVERS[@]}"; do run_once "$name" 1024 20 reuse "$(echo "30000 * $SCALE / 1" | bc)" >/dev/null; done
  for name in "${SERVERS[@]}"; do
    log "$name: 127.0.0.1:${PORT[$name]}, pid ${PID[$name]}"
    header+=" ${LABEL[$name]} |"; rule+="---|"
  done
  echo "server,size,sessions,mode,messages,round,msg_per_s,cpu_us_per_msg,smtp_source_errors" >"$OUT.csv"
  report ""
  report "Messages/s and server CPU microseconds per message, median of 3 runs after a warm-up;"
  report "in brackets the ratio to smtp-sink at the same point (throughput: higher is better; CPU: lower is better)."
  report ""
  report "$header"
  report "$rule"
  for size in "${SIZES[@]}"; do
    for sessions in "${SESSION_COUNTS[@]}"; do
      for mode in "${MODES[@]}"; do
        log "point: $((size / 1024)) KB, $sessions sessions, $mode"
        measure_point "$size" "$sessions" "$mode"
        local count node_count row
        count=$(messages "$size" "$sessions" "$mode"); node_count=$(messages "$size" "$sessions" "$mode" nodemailer)
        row="| $((size / 1024)) KB | $sessions | $( [ "$mode" = reuse ] && echo "many (-d)" || echo one ) | $(thousands "$count")"
        if wanted nodemailer && [ "$node_count" != "$count" ]; then row+=" (Nodemailer $(thousands "$node_count"))"; fi
        row+=" |"
        for name in "${SERVERS[@]}"; do row+=" $(cell "$name") |"; done
        report "$row"
      done
    done
  done
  report ""
  local errors=""
  for name in "${SERVERS[@]}"; do errors+="${LABEL[$name]} ${ERRORS[$name]:-0}, "; done
  report "smtp-source error lines over all runs: ${errors%, }."
  for name in "${SERVERS[@]}"; do stop_server "$name"; done
}

# ---------------------------------------------------------------------------------------------
# Idle connections

# raise_fd_limit N: the gateway and the load tool each hold N sockets; they inherit this shell's
# limit, so raise the soft limit (up to the hard one) with some room for everything else.
raise_fd_limit() {
  local need=$(( $1 + 1024 )) soft hard
  soft=$(ulimit -Sn); hard=$(ulimit -Hn)
  if [ "$soft" != unlimited ] && [ "$soft" -lt "$need" ]; then
    [ "$hard" = unlimited ] || [ "$hard" -ge "$need" ] || die "ulimit -Hn is $hard; $need open files are needed"
    ulimit -Sn "$need"
  fi
  log "open files limit: $(ulimit -Sn) (hard $(ulimit -Hn))"
}

run_idle() {
  local n=$IDLE_CONNECTIONS
  raise_fd_limit "$n"
  start_server ingest --Ingest:Server:MaxConnectionsPerClient=$((n * 2)) --Ingest:Server:MaxConnections=$((n * 2))
  local gw=${PID[ingest]} port=${PORT[ingest]}
  # A few messages first, so the figure is a gateway that has served mail, not a cold process.
  smtp-source -s 4 -m 400 -l 1024 -d -f a@b.example -t c@d.example 127.0.0.1:"$port" 2>/dev/null || true
  sleep 2
  local rss0 hwm0; rss0=$(status_kb "$gw" VmRSS); hwm0=$(status_kb "$gw" VmHWM)
  log "idle: gateway pid $gw on 127.0.0.1:$port, VmRSS $rss0 kB before; opening $n connections, holding ${IDLE_HOLD} s"

  # The load tool's built dll rather than `dotnet run`, so that $! is the tool itself and the
  # clean-up can end it.
  dotnet loadtest/Ingest.LoadTest/bin/Release/net10.0/Ingest.LoadTest.dll \
    --port "$port" --idle-connections "$n" --duration "$IDLE_HOLD" >"$work/idle-report.log" 2>"$work/idle-client.log" &
  IDLE_CLIENT=$!
  # The tool says "Holding K of N connections" once the connect phase is over.
  local _
  for _ in $(seq 1 900); do
    grep -q '^Holding' "$work/idle-client.log" && break
    kill -0 "$IDLE_CLIENT" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^Holding' "$work/idle-client.log" || { cat "$work/idle-client.log" "$work/idle-report.log" >&2; die "the load tool never held its connections"; }
  # Let the connections settle (first reads posted, buffers returned), well inside the hold.
  local settle=$(( IDLE_HOLD / 3 < 5 ? IDLE_HOLD / 3 : 5 ))
  sleep "$settle"
  alive ingest
  local rss1 hwm1 held
  rss1=$(status_kb "$gw" VmRSS); hwm1=$(status_kb "$gw" VmHWM)
  held=$(find "/proc/$gw/fd" -mindepth 1 | wc -l)
  wait "$IDLE_CLIENT" || log "the load tool exited with $?"
  IDLE_CLIENT=""
  sleep 2
  local rss2 hwm2; rss2=$(status_kb "$gw" VmRSS); hwm2=$(status_kb "$gw" VmHWM)
  stop_server ingest

  report ""
  report "### $(thousands "$n") idle connections"
  report ""
  report "Load tool: $(sed -n 's/^Holding/holding/p' "$work/idle-client.log")"
  report ""
  report '```'
  report "$(sed '/./,$!d' "$work/idle-report.log")"
  report '```'
  report ""
  report "| gateway | VmRSS | VmHWM |"
  report "|---|---|---|"
  report "| after a 400-message warm-up, before the connections | $((rss0 / 1024)) MiB | $((hwm0 / 1024)) MiB |"
  report "| $(thousands "$n") connections held ($settle s into the hold; $held open file descriptors) | **$((rss1 / 1024)) MiB** | $((hwm1 / 1024)) MiB |"
  report "| after QUIT on all of them (VmHWM: the peak over the whole scenario) | $((rss2 / 1024)) MiB | $((hwm2 / 1024)) MiB |"
  report ""
  report "Growth with the connections held: $(( (rss1 - rss0) / 1024 )) MiB, $(( (rss1 - rss0) * 1024 / n )) bytes per connection."
}

# ---------------------------------------------------------------------------------------------

report() { echo "$*" | tee -a "$OUT"; }

main() {
  check_tools
  wanted smtp-sink || SERVERS=(smtp-sink "${SERVERS[@]}")
  : >"$OUT"
  # Read before the build, which loads the machine itself: other work shows here.
  local load_before; load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  build
  report "## Side by side, $(date -u '+%Y-%m-%d %H:%M UTC')"
  report ""
  report "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(awk -F= '$1 == "PRETTY_NAME" {gsub(/"/, "", $2); print $2}' /etc/os-release), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}'), node $(node --version), load average before the build: $load_before, after it: $(cut -d' ' -f1-3 /proc/loadavg)."
  report "Command: \`loadtest/side-by-side.sh\`$( [ "$SCALE" = 1 ] || echo " (SCALE=$SCALE)" )."
  if [ "$MATRIX" = 1 ]; then run_matrix; fi
  if [ "$IDLE" = 1 ]; then run_idle; fi
  report ""
  report "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
  log "report: $OUT (raw runs: $OUT.csv)"
}

main
