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
scans=$(printf 'scan;%.0s' $(seq 21))
hyperfine --warmup 3 --runs "${RUNS:-20}" -N --export-markdown "$out" --export-json "$out.json" \
  --command-name 'kitty scan --json (cold, whole process)' './kitty scan --json' \
  --command-name 'kitty --version (cold)' './kitty --version' \
  --command-name 'kitty -c scan (a session of 1 scan)' './kitty --json -c scan' \
  --command-name 'kitty -c scan×21 (a session of 21 scans)' "./kitty --json -c '$scans'" \
  --command-name 'lsof -nP -iTCP -sTCP:LISTEN' 'lsof -nP -iTCP -sTCP:LISTEN' \
  --command-name 'ss -Hltnp' 'ss -Hltnp' \
  --command-name 'java -version (same JDK)' "$JAVA_HOME/bin/java -version"
# The warm scan of a session (shell or batch): what 20 more scans cost, divided by 20.
python3 - "$out.json" >>"$out" <<'PY'
import json, sys
r = {x["command"]: x["mean"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
warm = (r["kitty -c scan×21 (a session of 21 scans)"] - r["kitty -c scan (a session of 1 scan)"]) / 20
ss, java = r["ss -Hltnp"], r["java -version (same JDK)"]
print(f"\nwarm scan in a session: {warm:.1f} ms = {warm / ss:.2f}× ss -Hltnp; "
      f"kitty --version = {r['kitty --version (cold)'] / java:.2f}× java -version; "
      f"cold scan = {r['kitty scan --json (cold, whole process)'] / ss:.1f}× ss, "
      f"{r['kitty scan --json (cold, whole process)'] / r['lsof -nP -iTCP -sTCP:LISTEN']:.1f}× lsof")
PY
rm -f "$out.json"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(ls /proc | grep -c '^[0-9]') processes, $listeners listeners in [9237, 9337)" | tee -a "$out"
