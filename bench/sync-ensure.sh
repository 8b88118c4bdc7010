#!/usr/bin/env bash
# `kitty sync ensure`, the sync family's speed targets (issue 4), with the commands a user would
# otherwise run, in one run:
#  1. A healthy recorded singleton exists: whole-process time of `kitty sync ensure` (target: median
#     ≤ 300 ms), next to `lsof` listing the range and `curl` asking the daemon's health.
#  2. Seed 001's incident: 18 stale daemons of three versions (6 each of 3.2.2, 3.2.3, 3.2.4) on
#     9401–9418 of one scope. `kitty sync ensure` as version 3.2.5: time until it answers, every stale
#     port is free and exactly one daemon is left (target ≤ 2 s); next to `lsof -t | xargs kill` on
#     the same 18, which frees the ports but cannot tell stale from live and starts nothing.
# Every process started carries KITTY_TEST=$BENCH_COOKIE (not this script: the reaper would end it)
# and is ended by PID at the end.
# Usage: RUNS=30 REPS=5 bench/sync-ensure.sh        (needs hyperfine, lsof, curl)
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" sync
work=$(mktemp -d)
out=${OUT:-$root/bench/results/sync-ensure-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"

stale_daemon() { # state-dir port version
  KITTY_TEST=$BENCH_COOKIE KITTY_SYNC_PACKAGE_VERSION=$3 setsid "$JAVA_HOME/bin/java" -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -p kitty-shell/target/lib -m dev.kitty.family.sync/dev.kitty.family.sync.SyncDaemon \
    --port "$2" --state-dir "$1" --record "$1/records/sync.json" </dev/null >/dev/null 2>&1 &
}
await_healthy() { # first last
  for ((p = $1; p <= $2; p++)); do
    for ((i = 0; i < 300; i++)); do
      curl -sf -o /dev/null "http://127.0.0.1:$p/api/health" && break
      sleep 0.05
    done
  done
}
listening() { ss -Hltn "sport >= :9400 and sport < :9450" | wc -l; }

echo "## 1. A healthy singleton exists: \`kitty sync ensure\`, whole process" >"$out"
export KITTY_STATE_DIR="$work/reuse"
KITTY_TEST=$BENCH_COOKIE ./kitty sync ensure >/dev/null
port=$(./kitty --json sync ensure | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-markdown "$work/h1.md" --export-json "$work/h1.json" \
  -n 'kitty sync ensure (reuse)' './kitty sync ensure' \
  -n 'lsof -iTCP:9400-9449 -sTCP:LISTEN' 'lsof -iTCP:9400-9449 -sTCP:LISTEN' \
  -n 'curl /api/health' "curl -sf http://127.0.0.1:$port/api/health" >/dev/null
cat "$work/h1.md" >>"$out"
python3 -c 'import json,sys; [print("median of %s: %.1f ms" % (r["command"], r["median"] * 1000)) for r in json.load(open(sys.argv[1]))["results"]]' \
  "$work/h1.json" >>"$out"
bench/fixtures/reap-cookie.sh >/dev/null
echo >>"$out"

echo "## 2. 18 stale daemons of three versions (seed 001), until one daemon is left" >>"$out"
echo "| rep | kitty sync ensure: wall ms | stale left | daemons left in range | lsof -t \\| xargs kill: ms until free | daemons left |" >>"$out"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |" >>"$out"
for ((rep = 1; rep <= ${REPS:-5}; rep++)); do
  state="$work/incident-$rep"
  mkdir -p "$state"
  i=0
  for v in 3.2.2 3.2.3 3.2.4; do
    for ((k = 0; k < 6; k++)); do stale_daemon "$state" $((9401 + i)) "$v"; i=$((i + 1)); done
  done
  await_healthy 9401 9418
  t0=$(date +%s%N)
  KITTY_TEST=$BENCH_COOKIE KITTY_STATE_DIR="$state" KITTY_SYNC_PACKAGE_VERSION=3.2.5 ./kitty sync ensure >/dev/null
  bench/fixtures/await-free.sh 9401 18 || true
  t1=$(date +%s%N)
  stale_left=$(ss -Hltn "sport >= :9401 and sport < :9419" | wc -l)
  kitty_left=$(listening)
  bench/fixtures/reap-cookie.sh >/dev/null
  bench/fixtures/await-free.sh 9400 50 || true
  i=0
  for v in 3.2.2 3.2.3 3.2.4; do
    for ((k = 0; k < 6; k++)); do stale_daemon "$state" $((9401 + i)) "$v"; i=$((i + 1)); done
  done
  await_healthy 9401 9418
  t2=$(date +%s%N)
  lsof -t -iTCP:9401-9418 -sTCP:LISTEN | xargs -r kill
  bench/fixtures/await-free.sh 9401 18 || true
  t3=$(date +%s%N)
  lsof_left=$(listening)
  bench/fixtures/reap-cookie.sh >/dev/null
  bench/fixtures/await-free.sh 9400 50 || true
  echo "| $rep | $(((t1 - t0) / 1000000)) | $stale_left | $kitty_left | $(((t3 - t2) / 1000000)) | $lsof_left |" >>"$out"
done
rm -rf "$work"
cat "$out"
