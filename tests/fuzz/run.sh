#!/usr/bin/env bash
# Coverage-guided fuzzing of the pure parsers in src/Ingest.Protocol with SharpFuzz and AFL++
# (docs/fuzzing.md). Builds tests/Ingest.Fuzz in Release, copies the output to a work folder outside
# the repo, instruments the copy of Ingest.Protocol.dll (never the build output the tests use), and
# runs afl-fuzz on each target for the given time, one after the other.
#
#   tests/fuzz/run.sh <command|data|address|proxy|xtext|all> <seconds>
#
# Environment: FUZZ_WORK (default /tmp/ingest-fuzz), FUZZ_TIMEOUT_MS (afl-fuzz -t, default 5000).
# Findings: $FUZZ_WORK/<target>/out/default/{crashes,hangs,queue}; replay one with the uninstrumented
# build: dotnet tests/Ingest.Fuzz/bin/Release/net10.0/Ingest.Fuzz.dll <target> <file>
set -euo pipefail

all=(command data address proxy xtext)
if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <${all[*]// /|}|all> <seconds>" >&2
  exit 2
fi
if [ "$1" = all ]; then targets=("${all[@]}"); else targets=("$1"); fi
for target in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $target "* ]] || { echo "unknown target: $target" >&2; exit 2; }
done
seconds=$2

root=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_WORK:-/tmp/ingest-fuzz}
timeout_ms=${FUZZ_TIMEOUT_MS:-5000}

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "afl-fuzz not found: apt-get install -y afl++ (Debian's package name)" >&2
  exit 1
fi

cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
dotnet build tests/Ingest.Fuzz -c Release -warnaserror -nologo -v quiet

# A fresh copy each run: sharpfuzz rewrites the assembly in place and refuses one already instrumented.
rm -rf "$work/bin"
mkdir -p "$work"
cp -r tests/Ingest.Fuzz/bin/Release/net10.0 "$work/bin"
# Only the parsers are instrumented: the targets' own checks would only add noise to the coverage map.
dotnet sharpfuzz "$work/bin/Ingest.Protocol.dll" >/dev/null

# dotnet is not an AFL-instrumented binary (SharpFuzz's fork server speaks AFL's protocol instead);
# containers here cannot change core_pattern or the CPU governor; no affinity, so afl-fuzz still
# starts when other work holds the cores; no UI, so the log is readable.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1

summary="$work/summary.txt"
printf '%-8s %12s %10s %8s %10s %8s %6s\n' target execs execs/s corpus bitmap crashes hangs >"$summary"
for target in "${targets[@]}"; do
  dir="$work/$target"
  rm -rf "$dir"
  mkdir -p "$dir/in"
  cp tests/fuzz/seeds/"$target"/* "$dir/in/"
  echo "fuzzing $target for ${seconds}s (log: $dir/afl.log)"
  # -m none: the CLR reserves far more address space than AFL's default memory limit allows.
  nice -n 10 afl-fuzz -i "$dir/in" -o "$dir/out" -t "$timeout_ms" -m none -V "$seconds" \
    -x "tests/fuzz/dict/$target.dict" -- dotnet "$work/bin/Ingest.Fuzz.dll" "$target" >"$dir/afl.log" 2>&1 \
    || { echo "afl-fuzz failed for $target:"; tail -n 30 "$dir/afl.log"; exit 1; }

  stats="$dir/out/default/fuzzer_stats"
  stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
  printf '%-8s %12s %10s %8s %10s %8s %6s\n' "$target" "$(stat execs_done)" "$(stat execs_per_sec)" \
    "$(stat corpus_count)" "$(stat bitmap_cvg)" "$(stat saved_crashes)" "$(stat saved_hangs)" >>"$summary"
done

echo
cat "$summary"
found=$(find "$work"/*/out/default/crashes "$work"/*/out/default/hangs -type f -name 'id:*' 2>/dev/null || true)
if [ -n "$found" ]; then
  echo
  echo "findings (replay with the uninstrumented build, then add to tests/fuzz/regressions/<target>/):"
  echo "$found"
fi
