#!/usr/bin/env bash
# Issue 7's speed target: `kitty down` of an 80-process dev stack (seed 003's incident size: an
# orchestrator, 5 agents, a test runner with its workers, detached daemons that called setsid) to
# 0 survivors — median ≤ 2 s — next to the seed's stop-dev.sh approach on the same fixture: TERM
# the recorded PIDs (the 7 service shells, as stop-dev.sh recorded its 6), then the seed's pkill -f
# pattern list ("npm run dev", "tsx watch"), generously extended by the services' entry point
# ("server.js"). Workers rename themselves as vitest, esbuild and turbo processes do, which is
# what a pattern list has to know in advance.
#
# Safety: the pattern step never runs pkill. It lists matches with pgrep -f and signals only those
# carrying this run's KITTY_TEST cookie, by PID: the approach's coverage, without its blast radius.
# Every process started carries KITTY_TEST=$BENCH_COOKIE and is ended by PID at the end.
# Usage: REPS=5 bench/devstack-down.sh
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" devstack
work=$(mktemp -d)
export KITTY_STATE_DIR="$work/state"
out=${OUT:-$root/bench/results/devstack-down-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
cp kitty-shell/src/test/resources/fixtures/stack/server.js "$work/"
ports=(3090 3091)

# orchestrator: sh + node + 9 workers = 11; 5 agents: sh + node + 7 workers + 1 setsid daemon = 10
# each; tests: sh + node + 16 workers + 1 setsid daemon = 19. Total 80.
declare -A services=(
  [orchestrator]="node server.js --workers 9 --title 'tsx watch orchestrator'"
  [agent1]="node server.js --no-listen --workers 7 --detached --title esbuild"
  [agent2]="node server.js --no-listen --workers 7 --detached --title esbuild"
  [agent3]="node server.js --no-listen --workers 7 --detached --title esbuild"
  [agent4]="node server.js --no-listen --workers 7 --detached --title esbuild"
  [agent5]="node server.js --no-listen --workers 7 --detached --title 'turbo daemon'"
  [tests]="node server.js --workers 16 --detached --title 'vitest worker'"
)
python3 - "$work/kitty-stack.json" "${ports[@]}" <<'PY'
import json, sys
path, p1, p2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
agents = {f"agent{i}": {"command": "node server.js --no-listen --workers 7 --detached --title "
          + ("'turbo daemon'" if i == 5 else "esbuild"), "depends_on": ["orchestrator"]}
          for i in range(1, 6)}
stack = {"services": {
    "orchestrator": {"command": "node server.js --workers 9 --title 'tsx watch orchestrator'",
                     "port": p1, "health": "/health"},
    **agents,
    "tests": {"command": "node server.js --workers 16 --detached --title 'vitest worker'",
              "port": p2, "depends_on": ["orchestrator"]}}}
json.dump(stack, open(path, "w"), indent=1)
PY

. "$(dirname "$0")/fixtures/stack-members.sh"
# pkill -f PATTERN, limited to this run's processes (see the header).
pattern_kill() {
  local pid
  for pid in $(pgrep -f "$1" || true); do
    if { tr "\0" "\n" <"/proc/$pid/environ"; } 2>/dev/null | grep -qx "KITTY_TEST=$BENCH_COOKIE"; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
}

{
  echo "## \`kitty down\` of an 80-process dev stack (seed 003)"
  echo
  echo "Fixture: \`$work/kitty-stack.json\` — 7 Node services: an orchestrator with 9 workers, 5 agents with 7 workers and a setsid daemon each, a test runner with 16 workers and a setsid daemon (80 processes; workers named like tsx, esbuild, vitest and turbo processes)."
  echo "kitty: the whole \`./kitty down\` process (cold JVM), which returns once it verified that no process with the stack's cookie is alive and the ports are free;"
  echo "stop-dev.sh approach: TERM the 7 recorded service PIDs, then pkill -f 'npm run dev', 'tsx watch', 'server.js' (only this run's processes), timed until the ports were free;"
  echo "survivors: processes of the run alive 2 s after the stop returned."
  echo
  echo "| rep | stack | kitty down (ms) | survivors | stop-dev.sh approach (ms) | survivors |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$out"
kitty_times=()
seed_times=()
for ((rep = 1; rep <= ${REPS:-5}; rep++)); do
  KITTY_TEST=$BENCH_COOKIE ./kitty up "$work/kitty-stack.json" >/dev/null
  await_stack
  size=$(members)
  t0=$(now_ms)
  ./kitty down "$work/kitty-stack.json" >/dev/null
  t1=$(now_ms)
  if any_listening || [ "$(members)" -gt 0 ]; then echo "kitty down returned with the stack alive" >&2; fi
  sleep 2
  k_surv=$(members)
  kitty_times+=($((t1 - t0)))

  # The same stack without kitty, as a start script runs it: each service in the background.
  recorded=()
  for name in "${!services[@]}"; do
    port=""
    [ "$name" = orchestrator ] && port=${ports[0]}
    [ "$name" = tests ] && port=${ports[1]}
    (cd "$work" && PORT=$port KITTY_TEST=$BENCH_COOKIE setsid sh -c "${services[$name]}" </dev/null >/dev/null 2>&1 &
      echo $! >"$work/pid.$name")
  done
  sleep 0.2
  for name in "${!services[@]}"; do recorded+=("$(cat "$work/pid.$name")"); done
  await_stack
  t0=$(now_ms)
  kill -TERM "${recorded[@]}" 2>/dev/null || true
  for pattern in "npm run dev" "tsx watch" "server.js"; do pattern_kill "$pattern"; done
  for ((i = 0; i < 400; i++)); do any_listening || break; sleep 0.005; done
  t1=$(now_ms)
  sleep 2
  s_surv=$(members)
  seed_times+=($((t1 - t0)))
  echo "| $rep | $size | ${kitty_times[-1]} | $k_surv | ${seed_times[-1]} | $s_surv |" >>"$out"
  bench/fixtures/reap-cookie.sh >/dev/null
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
{
  echo
  echo "median kitty down: $(median "${kitty_times[@]}") ms (target ≤ 2000 ms)"
  echo "median stop-dev.sh approach: $(median "${seed_times[@]}") ms until the ports were free"
  echo "machine: $(nproc) cores, $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), node $(node --version)"
} >>"$out"
cat "$out"
