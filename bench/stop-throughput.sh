#!/usr/bin/env bash
# Stop throughput (issue 9): 10, 100 and 1,000 orphaned listeners (orphans.sh light: detached
# netcat processes in [20000, 21000)), time until every port is free — cold `kitty cleanup bench`
# (the benchmark family, its range widened by a config file) against `lsof | xargs kill`,
# `fuser -k` and `npx kill-port`, alternated by hyperfine on a fresh fixture each run. Every tool
# is also checked for survivors (ports still listening, processes of the run left).
# Usage: RUNS=5 bench/stop-throughput.sh [COUNTS…]     (needs hyperfine, lsof, fuser, nc, npm)
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" throughput
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10 100 1000)

. bench/fixtures/bench-family.sh
echo '{"families": {"bench": {"port_range": {"from": 20000, "to": 21000}}}}' > "$work/throughput-config.json"

out=${OUT:-$root/bench/results/stop-throughput-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
: > "$out"
for n in "${counts[@]}"; do
  last=$((20000 + n - 1))
  ports=$(seq -s ' ' 20000 "$last")
  kitty="./kitty --config $work/throughput-config.json --family-path $work/plugins cleanup bench >/dev/null"
  lsof="lsof -t -iTCP:20000-$last -sTCP:LISTEN | xargs -r kill"
  fuser="fuser -k -n tcp $ports >/dev/null 2>&1"
  killport="$work/node/node_modules/.bin/kill-port $ports >/dev/null 2>&1"
  runs=${RUNS:-5}
  # kill-port runs one lsof per port: at 1,000 ports one run takes minutes, so it runs once there.
  kp_runs=$([ "$n" -ge 1000 ] && echo 1 || echo "$runs")
  echo "## $n orphans: until every port is free" >> "$out"
  hyperfine --runs "$runs" --export-markdown "$out.tmp" \
    --prepare "bench/fixtures/reap-cookie.sh >/dev/null; bench/fixtures/orphans.sh $n 20000 0 light" \
    -n "kitty cleanup bench (cold)" "$kitty; bench/fixtures/await-free.sh 20000 $n" \
    -n "lsof -t | xargs kill" "$lsof; bench/fixtures/await-free.sh 20000 $n" \
    -n "fuser -k" "$fuser; bench/fixtures/await-free.sh 20000 $n"
  cat "$out.tmp" >> "$out"
  hyperfine --runs "$kp_runs" --export-markdown "$out.tmp" \
    --prepare "bench/fixtures/reap-cookie.sh >/dev/null; bench/fixtures/orphans.sh $n 20000 0 light" \
    -n "npx kill-port" "$killport; bench/fixtures/await-free.sh 20000 $n"
  tail -n 1 "$out.tmp" >> "$out"
  echo "" >> "$out"
  echo "| tool | ports still listening 1 s later | processes of the run left |" >> "$out"
  echo "| --- | ---: | ---: |" >> "$out"
  for tool in kitty lsof fuser killport; do
    bench/fixtures/reap-cookie.sh >/dev/null
    bench/fixtures/orphans.sh "$n" 20000 0 light
    eval "${!tool}" || true
    sleep 1
    listening=$(ss -Hltn "sport >= :20000 and sport <= :$last" | wc -l)
    left=$(bench/fixtures/reap-cookie.sh)
    echo "| $tool | $listening of $n | $left |" >> "$out"
  done
  echo "" >> "$out"
done
rm -f "$out.tmp"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)" >> "$out"
cat "$out"
