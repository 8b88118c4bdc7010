#!/usr/bin/env bash
# Whole-process comparison: cold `./kitty scan --json` against lsof and ss on the same fixture,
# in the same run. Sets up PROCESSES idle processes and LISTENERS loopback listeners in the
# dashboard range (bench/fixtures/many_listeners.py), runs hyperfine, tears everything down by PID.
# Usage: bench/compare.sh [LISTENERS] [PROCESSES]   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
listeners=${1:-100}
processes=${2:-500}
cookie="bench-$$"
pids=()
cleanup() {
  # Only what this script started, by PID.
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
./kitty --version >/dev/null   # build if stale, outside the measurement

for _ in $(seq "$processes"); do KITTY_TEST=$cookie sleep 3600 & pids+=($!); done
exec 3< <(KITTY_TEST=$cookie python3 bench/fixtures/many_listeners.py 9237 "$listeners"; echo exited)
pids+=($!)
read -r ready <&3
[ "$ready" = ready ] || { echo "listener fixture failed" >&2; exit 1; }
# The fixture's python process is the child of the process substitution's subshell: find it by cookie.
for d in /proc/[0-9]*; do
  if tr '\0' '\n' < "$d/environ" 2>/dev/null | grep -qx "KITTY_TEST=$cookie"; then pids+=("${d#/proc/}"); fi
done

out=${OUT:-$root/bench/results/compare-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
. scripts/select-jdk.sh && kitty_select_jdk
hyperfine --warmup 3 --runs "${RUNS:-20}" -N --export-markdown "$out" \
  --command-name 'kitty scan --json (cold, whole process)' './kitty scan --json' \
  --command-name 'lsof -nP -iTCP -sTCP:LISTEN' 'lsof -nP -iTCP -sTCP:LISTEN' \
  --command-name 'ss -Hltnp' 'ss -Hltnp' \
  --command-name 'java -version (same JDK)' "$JAVA_HOME/bin/java -version"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(ls /proc | grep -c '^[0-9]') processes, $listeners listeners in [9237, 9337)" | tee -a "$out"
