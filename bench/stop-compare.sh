#!/usr/bin/env bash
# Stop throughput and completeness, kitty against what users run instead, in one run:
#  1. 100 orphaned listeners (seed 000's shape) in [9500, 9600): time until every port is free.
#  2. Survivors: 10 orphans behind respawning `sh -c` loops (seed 002) and 20 orphans with 3
#     children each (seed 003): what each tool leaves behind.
#  3. 50 listeners that accept but never answer HTTP: how long a full `kitty scan` takes.
# kitty sees the orphans through a benchmark-only drop-in family (bench/family-bench) that proves
# them stale by their command line. Everything started carries a unique KITTY_TEST cookie and is
# ended by PID at the end (bench/fixtures/reap-cookie.sh).
# Usage: [KITTY=dist] RUNS=10 bench/stop-compare.sh   (needs hyperfine, lsof, fuser, npm)
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" stop

. bench/fixtures/bench-family.sh
ports=$(seq -s ' ' 9500 9599)
kitty_cmd="$KITTY --family-path $work/plugins cleanup bench >/dev/null"
declare -A tools=(
  [kitty]="$kitty_cmd"
  [lsof]="lsof -t -iTCP:9500-9599 -sTCP:LISTEN | xargs -r kill"
  [fuser]="fuser -k -n tcp $ports >/dev/null 2>&1"
  [kill-port]="$work/node/node_modules/.bin/kill-port $ports >/dev/null 2>&1"
)
out=${OUT:-$root/bench/results/stop-compare-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"

echo "## 1. 100 orphans: until every port is free" > "$out"
hyperfine --runs "${RUNS:-10}" --export-markdown "$out.tmp" \
  --prepare 'bench/fixtures/reap-cookie.sh >/dev/null; bench/fixtures/orphans.sh 100 9500' \
  -n 'kitty cleanup bench (cold, whole process)' "${tools[kitty]}; bench/fixtures/await-free.sh 9500 100" \
  -n 'lsof -t | xargs kill' "${tools[lsof]}; bench/fixtures/await-free.sh 9500 100" \
  -n 'fuser -k' "${tools[fuser]}; bench/fixtures/await-free.sh 9500 100" \
  -n 'npx kill-port' "${tools[kill-port]}; bench/fixtures/await-free.sh 9500 100"
cat "$out.tmp" >> "$out"

echo "" >> "$out"
echo "## 2. What each tool leaves behind" >> "$out"
echo "| tool | 10 respawning wrappers: ports listening again 3 s later | 20 orphans × 3 children: processes left |" >> "$out"
echo "| --- | ---: | ---: |" >> "$out"
for tool in kitty lsof fuser kill-port; do
  bench/fixtures/reap-cookie.sh >/dev/null
  bench/fixtures/orphans.sh 10 9500 0 wrapped
  eval "${tools[$tool]}" || true
  sleep 3
  back=$(ss -Hltn "sport >= :9500 and sport < :9510" | wc -l)
  bench/fixtures/reap-cookie.sh >/dev/null
  bench/fixtures/orphans.sh 20 9500 3
  eval "${tools[$tool]}" || true
  bench/fixtures/await-free.sh 9500 20 || true
  sleep 0.5
  left=$(bench/fixtures/reap-cookie.sh)
  echo "| $tool | $back of 10 | $left of 80 |" >> "$out"
done

echo "" >> "$out"
echo "## 3. 50 listeners that accept but never answer: a full scan" >> "$out"
bench/fixtures/reap-cookie.sh >/dev/null
KITTY_TEST=$BENCH_COOKIE python3 -c 'import socket, time
socks = []
for p in range(9237, 9287):
    s = socket.socket(); s.bind(("127.0.0.1", p)); s.listen(128); socks.append(s)
time.sleep(3600)' &
bench/fixtures/await-free.sh 0 0 || true
sleep 1
hyperfine --runs 3 --export-markdown "$out.tmp" -n 'kitty scan (50 silent listeners)' "$KITTY scan >/dev/null"
cat "$out.tmp" >> "$out"
rm -f "$out.tmp"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB" >> "$out"
cat "$out"
