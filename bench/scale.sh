#!/usr/bin/env bash
# Scale: how a scan grows with the machine (issue 9). 10,000 open TCP sockets (5,000 established
# loopback pairs, bench/fixtures/many_sockets.py) and 200 listeners in the family ranges (100 in
# dashboard, 50 in sync, 40 in webui, 10 in devstack; each a third party answering 404), then idle
# processes added in steps until the machine has 500, 1,000, 1,500 and 2,000 processes. At each
# step: cold `./kitty scan --json` against `ss -Hltnp` and `lsof -nP -iTCP -sTCP:LISTEN`, and the
# warm scan of a session (shell or batch; ADR 23): (time of `kitty -c` with 21 scans − time of
# `kitty -c` with 1 scan) ÷ 20, both measured by hyperfine. Everything carries KITTY_TEST and is
# ended by PID (bench/fixtures/reap-cookie.sh).
# Usage: RUNS=10 bench/scale.sh      (needs hyperfine, lsof)
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" scale
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

start_fixture() { # python3 SCRIPT ARGS…: waits for its "ready"
  exec 3< <(KITTY_TEST=$BENCH_COOKIE python3 "$@")
  local ready
  read -r ready <&3
  [ "$ready" = ready ] || { echo "fixture $* failed" >&2; exit 1; }
}
start_fixture bench/fixtures/many_sockets.py 10000
start_fixture bench/fixtures/many_listeners.py 9237 100
start_fixture bench/fixtures/many_listeners.py 9400 50
start_fixture bench/fixtures/many_listeners.py 7860 40
start_fixture bench/fixtures/many_listeners.py 3000 10

out=${OUT:-$root/bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
sockets=$(( $(wc -l < /proc/net/tcp) + $(wc -l < /proc/net/tcp6) - 2 ))
{
  echo "# Scale: $sockets TCP sockets in the socket table, 200 listeners in the family ranges"
  echo ""
  echo "| processes | kitty scan --json (cold) | scan in a session (warm) | ss -Hltnp | lsof -iTCP -sTCP:LISTEN | cold ÷ ss | cold ÷ lsof | warm ÷ ss |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$out"

mean_ms() { # hyperfine JSON file → mean in ms of command N
  python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean']*1000, 1))" "$1" "$2"
}
for target in 500 1000 1500 2000; do
  have=$(ls /proc | grep -c '^[0-9]')
  while [ "$have" -lt "$target" ]; do
    KITTY_TEST=$BENCH_COOKIE sleep 3600 &
    have=$((have + 1))
  done
  sleep 1
  hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-json "$out.json" \
    './kitty scan --json' 'ss -Hltnp' 'lsof -nP -iTCP -sTCP:LISTEN' \
    "./kitty --json -c scan" "./kitty --json -c '$(printf 'scan;%.0s' $(seq 21))'" >/dev/null
  k=$(mean_ms "$out.json" 0) s=$(mean_ms "$out.json" 1) l=$(mean_ms "$out.json" 2)
  w=$(python3 -c "print(round(($(mean_ms "$out.json" 4) - $(mean_ms "$out.json" 3)) / 20, 1))")
  procs=$(ls /proc | grep -c '^[0-9]')
  ratio() { python3 -c "print(f'{$1/$2:.1f}×')"; }
  echo "| $procs | $k ms | $w ms | $s ms | $l ms | $(ratio "$k" "$s") | $(ratio "$k" "$l") | $(ratio "$w" "$s") |" >> "$out"
done
rm -f "$out.json"
echo "" >> "$out"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)" >> "$out"
cat "$out"
