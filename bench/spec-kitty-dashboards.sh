#!/usr/bin/env bash
# Issue 22's speed figure: seed 000 as spec-kitty leaves it — 100 spec-kitty dashboards (kitty's
# replica, started with spec-kitty's command-line layout: python -c '… run_dashboard_server(Path(…),
# PORT, 'TOKEN')') on [9237, 9337), their projects deleted — then, alternating, each of these until
# every port of the range is free:
#   kitty dashboard --cleanup                          (proves each one, then stops it)
#   lsof -t -iTCP:9237-9336 -sTCP:LISTEN | xargs kill  (what a user types; proves nothing)
#   kill -TERM of the PIDs this script started         (the floor: no lookup, no proof)
#   kitty scan sync; kill -TERM of those PIDs          (kitty's own floor: a cold kitty that has
#                                                       nothing to prove, then the floor)
# Target: kitty ≤ 2x lsof|xargs kill in the same run, 0 left. Every process started carries
# KITTY_TEST=$BENCH_COOKIE and is ended by PID at the end.
# Usage: [KITTY=dist|PATH] [ONLY=kitty] REPS=5 bench/spec-kitty-dashboards.sh
#   ONLY=kitty measures the kitty column alone (bench/layout-compare.sh runs two builds so).
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" skdash
work=$(mktemp -d)
export KITTY_STATE_DIR="$work/state"
pkg=$root/kitty-shell/src/test/resources/fixtures/spec-kitty
out=${OUT:-$root/bench/results/spec-kitty-dashboards-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
orphans() {
  started=()
  for ((port = 9237; port < 9337; port++)); do
    p="$work/projects/p$port"
    mkdir -p "$p"
    token=$(printf '%032x' "$port")
    script="
import sys
from pathlib import Path
repo_root = Path('$pkg')
sys.path.insert(0, str(repo_root))
from specify_cli.dashboard.server import run_dashboard_server
run_dashboard_server(Path('$p'), $port, '$token')
"
    KITTY_TEST=$BENCH_COOKIE setsid python3 -c "$script" </dev/null >/dev/null 2>&1 &
    started+=($!)
  done
  for ((port = 9237; port < 9337; port++)); do
    for ((i = 0; i < 600; i++)); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/health" && break; sleep 0.05; done
  done
  rm -rf "$work/projects" # seed 000: the test projects are gone, their dashboards are not
  sleep 1
}
until_free() {
  local t0 t1 left
  orphans
  t0=$(date +%s%N)
  eval "$*" >/dev/null 2>&1 || true
  bench/fixtures/await-free.sh 9237 100 || true
  t1=$(date +%s%N)
  left=$(ss -Hltn "sport >= :9237 and sport < :9337" | wc -l)
  bench/fixtures/reap-cookie.sh >/dev/null
  echo "$(((t1 - t0) / 1000000)) ms ($left left)"
}
{
  echo "## 100 spec-kitty dashboards of deleted projects, until every port is free ($(date -u +%F), $(nproc) cores)"
  echo
  echo "| rep | kitty dashboard --cleanup | lsof -t \| xargs kill | floor: kill -TERM of the known PIDs | kitty's floor: a cold kitty with nothing to do, then kill -TERM |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
} >"$out"
for ((rep = 1; rep <= ${REPS:-5}; rep++)); do
  a=$(until_free "$KITTY" dashboard --cleanup)
  if [ "${ONLY:-}" = kitty ]; then
    echo "| $rep | $a | | | |" >>"$out"
    continue
  fi
  b=$(until_free 'lsof -t -iTCP:9237-9336 -sTCP:LISTEN | xargs -r kill')
  c=$(until_free 'kill -TERM "${started[@]}"')
  d=$(until_free '"$KITTY" scan sync; kill -TERM "${started[@]}"')
  echo "| $rep | $a | $b | $c | $d |" >>"$out"
done
rm -rf "$work"
cat "$out"
