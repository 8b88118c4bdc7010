#!/usr/bin/env bash
# Issue 25's speed figure: `kitty down` of an 80-process dev stack (seed 003's shape: services with
# worker trees, setsid daemons, and one descendant that scrubs kitty's cookie with env -i, leaves
# the session and double-forks), until 0 processes, alternating:
#   contained        ./kitty down, every service in a cgroup of its own (ADR 29)
#   session+cookie   KITTY_CONTAINMENT=off ./kitty up / down (kitty's tracking without cgroups)
#   kill -- -PGID    the stack started by kitty without cgroups, then TERM to each service's
#                    process group (the pgids kitty recorded), timed until the ports are free
# Survivors: processes of this run alive 2 s after the stop returned. The escapee keeps this run's
# KITTY_TEST marker (only kitty's own cookies are scrubbed), so it is counted and ended by PID.
# Usage: REPS=5 bench/contained-down.sh
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" contained
work=$(mktemp -d)
export KITTY_STATE_DIR="$work/state"
out=${OUT:-$root/bench/results/contained-down-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
cp kitty-shell/src/test/resources/fixtures/stack/server.js "$work/"
ports=(3092 3093)
cat >"$work/escape.sh" <<'SH'
env -i KITTY_TEST="$KITTY_TEST" PATH="$PATH" setsid sh -c 'sleep 300 & :' 
exec sleep 300
SH
# orchestrator: sh + node + 9 workers = 11; 5 agents: sh + node + 7 workers + 1 setsid daemon = 10
# each; tests: sh + node + 14 workers + 1 setsid daemon = 17; escape: its sleep and the escapee = 2.
python3 - "$work/kitty-stack.json" "$work/escape.sh" "${ports[@]}" <<'PY'
import json, sys
path, escape, p1, p2 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
agents = {f"agent{i}": {"command": "node server.js --no-listen --workers 7 --detached --title esbuild",
          "depends_on": ["orchestrator"]} for i in range(1, 6)}
stack = {"services": {
    "orchestrator": {"command": "node server.js --workers 9 --title 'tsx watch orchestrator'",
                     "port": p1, "health": "/health"},
    **agents,
    "tests": {"command": "node server.js --workers 14 --detached --title 'vitest worker'",
              "port": p2, "depends_on": ["orchestrator"]},
    "escape": {"command": "sh " + escape}}}
json.dump(stack, open(path, "w"), indent=1)
PY
. "$(dirname "$0")/fixtures/stack-members.sh"
run() { # NAME ENV...: up, then the timed stop; prints "ms survivors"
  local name=$1 t0 t1 pgids
  shift
  env "$@" KITTY_TEST="$BENCH_COOKIE" ./kitty up "$work/kitty-stack.json" >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; return 1; }
  await_stack
  local cells
  cells=$(python3 -c 'import json,glob,sys
print(sum(1 for f in glob.glob(sys.argv[1] + "/records/launch.devstack.*.json") if json.load(open(f)).get("cgroup")))' "$KITTY_STATE_DIR")
  if [ "$name" = contained ] && [ "$cells" -lt 8 ]; then
    echo "the contained run has $cells cgroups on record, not 8: is cgroup v2 writable here?" >&2
    return 1
  fi
  if [ "$name" = pgid ]; then
    pgids=$(python3 -c 'import json,glob,sys
for f in glob.glob(sys.argv[1] + "/records/launch.devstack.*.json"):
    print(json.load(open(f))["pgid"])' "$KITTY_STATE_DIR")
    t0=$(now_ms)
    for g in $pgids; do kill -TERM -- "-$g" 2>/dev/null || true; done
    for ((i = 0; i < 400; i++)); do any_listening || break; sleep 0.005; done
    t1=$(now_ms)
  else
    t0=$(now_ms)
    env "$@" ./kitty down "$work/kitty-stack.json" >/dev/null || true
    t1=$(now_ms)
  fi
  sleep 2
  local left
  left=$(members)
  # Cleaned up before the answer: the caller reads it and starts the next run at once.
  bench/fixtures/reap-cookie.sh >/dev/null
  rm -rf "$KITTY_STATE_DIR"
  echo "$((t1 - t0)) $left"
}
{
  echo "## \`kitty down\` of an 80-process stack with an escapee, until 0 processes ($(date -u +%F), $(nproc) cores)"
  echo
  echo "| rep | contained \`down\` (ms) | left | session+cookie \`down\` (ms) | left | \`kill -- -PGID\` per service (ms) | left |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$out"
for ((rep = 1; rep <= ${REPS:-5}; rep++)); do
  read -r a al < <(run contained KITTY_CONTAINMENT=on)
  read -r b bl < <(run session KITTY_CONTAINMENT=off)
  read -r c cl < <(run pgid KITTY_CONTAINMENT=off)
  echo "| $rep | $a | $al | $b | $bl | $c | $cl |" >>"$out"
done
echo >>"$out"
echo "containment: $({ ./kitty --json doctor devstack || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["containment"])')" >>"$out"
rm -rf "$work"
cat "$out"
