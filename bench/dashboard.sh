#!/usr/bin/env bash
# `kitty dashboard`, the dashboard family's speed targets (issue 5), with what a user would
# otherwise run, in one run:
#  1. The project's dashboard is live: `kitty dashboard` reusing it (target: median ≤ 300 ms),
#     next to `curl` on its health and `lsof` on the range.
#  2. From nothing to healthy: `kitty dashboard` starting one (target ≤ 1 s), stopped after each run.
#  3. Seed 000: 100 orphaned kitty dashboards on [9237, 9337) (10 projects, their files gone):
#     `kitty dashboard --cleanup` and `kitty doctor dashboard --reset` until every port is free
#     (issue 5: ≤ 400 ms; issue 3: ≤ 4x `lsof -t | xargs kill` and ≤ 0.2x `npx kill-port`), next
#     to those two on the same 100 ports, and the floor: the 100 fixtures' own exit after a plain
#     `kill -TERM` of the PIDs this script started (no lookup, no proof).
# Every process started carries KITTY_TEST=$BENCH_COOKIE and is ended by PID at the end.
# Usage: [KITTY=dist] RUNS=20 REPS=3 bench/dashboard.sh   (needs hyperfine, lsof, curl, npm)
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" dash
work=$(mktemp -d)
export KITTY_STATE_DIR="$work/state"
out=${OUT:-$root/bench/results/dashboard-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")" "$work/project"
[ -x bench/target/node/node_modules/.bin/kill-port ] \
  || npm install --silent --prefix bench/target/node kill-port@2.0.1 >/dev/null
median() { python3 -c 'import json,sys; [print("median of %s: %.1f ms" % (r["command"], r["median"] * 1000)) for r in json.load(open(sys.argv[1]))["results"]]' "$1"; }

echo "## 1. The project's dashboard is live: \`kitty dashboard\`, whole process" >"$out"
KITTY_TEST=$BENCH_COOKIE $KITTY dashboard --project "$work/project" >/dev/null
hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-markdown "$work/h1.md" --export-json "$work/h1.json" \
  -n 'kitty dashboard (reuse)' "$KITTY dashboard --project $work/project" \
  -n 'curl /api/health' 'curl -sf http://127.0.0.1:9237/api/health' \
  -n 'lsof -iTCP:9237-9336 -sTCP:LISTEN' 'lsof -iTCP:9237-9336 -sTCP:LISTEN' >/dev/null
cat "$work/h1.md" >>"$out"; median "$work/h1.json" >>"$out"
$KITTY dashboard --project "$work/project" --stop >/dev/null

echo >>"$out"
echo "## 2. From nothing to healthy: \`kitty dashboard\` starting one" >>"$out"
hyperfine --runs "${RUNS:-20}" --export-markdown "$work/h2.md" --export-json "$work/h2.json" \
  --cleanup "$KITTY dashboard --project $work/project --stop >/dev/null" \
  -n 'kitty dashboard (start)' "KITTY_TEST=$BENCH_COOKIE $KITTY dashboard --project $work/project" >/dev/null
cat "$work/h2.md" >>"$out"; median "$work/h2.json" >>"$out"

echo >>"$out"
echo "## 3. 100 orphaned dashboards (seed 000), until every port is free" >>"$out"
echo "| rep | kitty dashboard --cleanup | kitty doctor dashboard --reset | lsof -t \| xargs kill | npx kill-port (same 100 ports) | floor: kill -TERM of the known PIDs |" >>"$out"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |" >>"$out"
orphans() {
  started=()
  for ((port = 9237; port < 9337; port++)); do
    KITTY_TEST=$BENCH_COOKIE setsid "$JAVA_HOME/bin/java" -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -p kitty-shell/target/lib -m dev.kitty.family.dashboard/dev.kitty.family.dashboard.DashboardDaemon \
      --project "$work/p$((port % 10))" --port "$port" --state-dir "$KITTY_STATE_DIR" </dev/null >/dev/null 2>&1 &
    started+=($!)
  done
  for ((port = 9237; port < 9337; port++)); do
    for ((i = 0; i < 600; i++)); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/health" && break; sleep 0.05; done
  done
  rm -f "$work"/p*/.kittify/.dashboard
  sleep 2 # the 100 JVMs' start-up work settles before anything is timed
}
# Prints the milliseconds from running "$@" until every port of the range is free.
until_free() {
  local t0 t1
  orphans
  t0=$(date +%s%N)
  eval "$*" >/dev/null 2>&1 || true
  bench/fixtures/await-free.sh 9237 100 || true
  t1=$(date +%s%N)
  bench/fixtures/reap-cookie.sh >/dev/null
  echo "$(((t1 - t0) / 1000000)) ms"
}
for ((rep = 1; rep <= ${REPS:-3}; rep++)); do
  a=$(until_free $KITTY dashboard --cleanup)
  b=$(until_free $KITTY doctor dashboard --reset)
  c=$(until_free 'lsof -t -iTCP:9237-9336 -sTCP:LISTEN | xargs -r kill')
  d=$(until_free bench/target/node/node_modules/.bin/kill-port $(seq -s ' ' 9237 9336))
  e=$(until_free 'kill -TERM "${started[@]}"')
  echo "| $rep | $a | $b | $c | $d | $e |" >>"$out"
done
rm -rf "$work"
cat "$out"
