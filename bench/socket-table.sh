#!/usr/bin/env bash
# Listener discovery with a full connection table (issue 27; ADR 36): WAIT TIME_WAIT connections and
# HOLD established pairs on loopback (bench/fixtures/time_wait_storm.py), then, in the same run:
# kitty's socket table from netlink sock_diag and from /proc/net/tcp{,6} (JMH, in-process, the fd
# walk excluded), and the peers a user would run: `ss -Hltn` (netlink too, plus a process start)
# and `cat /proc/net/tcp /proc/net/tcp6` (what the /proc path reads), each timed over RUNS runs.
# Usage: WAIT=10000 HOLD=2500 RUNS=50 bench/socket-table.sh
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" socket-table
WAIT=${WAIT:-10000} HOLD=${HOLD:-2500} RUNS=${RUNS:-50}
# Built first: the storm's TIME_WAIT rows last 60 s, and the measurement must see them all.
./build -q -Pbench -pl bench/jmh -am package -DskipTests >/dev/null
exec 3< <(KITTY_TEST=$BENCH_COOKIE python3 bench/fixtures/time_wait_storm.py "$WAIT" "$HOLD")
read -r ready <&3
[ "$ready" = ready ] || { echo "the storm fixture failed" >&2; exit 1; }
rows() { echo $(( $(wc -l < /proc/net/tcp) + $(wc -l < /proc/net/tcp6) - 2 )); }
rows_before=$(rows)
time_ms() { # COMMAND…: the median of RUNS runs, in ms
  python3 - "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
ts = []
for _ in range(runs):
    t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True); ts.append(time.perf_counter() - t)
print(f"{statistics.median(ts) * 1000:.2f}")
PY
}
ss_ms=$(time_ms ss -Hltn)
cat_ms=$(time_ms cat /proc/net/tcp /proc/net/tcp6)
jmh=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/jmh/target/kitty-bench-0.1.0-SNAPSHOT.jar:$(cat bench/jmh/target/classpath.txt)" \
  org.openjdk.jmh.Main SocketTableBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s 2>/dev/null | grep -E '^SocketTableBenchmark')
echo "socket table rows (/proc/net/tcp + tcp6): $rows_before before the measurements, $(rows) after (WAIT=$WAIT, HOLD=$HOLD)"
echo "$jmh"
echo "ss -Hltn (process, median of $RUNS): $ss_ms ms"
echo "cat /proc/net/tcp /proc/net/tcp6 (process, median of $RUNS): $cat_ms ms"
