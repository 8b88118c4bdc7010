#!/usr/bin/env bash
# Memory soak (issue 9): kitty's session running `watch` (a scan, the runaway check and the map every
# 0.5 s, with 100 third-party listeners in the dashboard range to classify) for MINUTES minutes,
# sampled every 30 s: live heap after a full GC (jcmd GC.run + GC.heap_info), threads and open fds
# (/proc/PID/status, /proc/PID/fd). A leak shows as growth from the first sample to the last.
# The 8-hour figure is extrapolated from the slope; the default soak is 10 minutes.
# Usage: bench/soak-watch.sh [MINUTES]
set -euo pipefail
. "$(dirname "$0")/fixtures/preamble.sh" soak
minutes=${1:-10}
exec 3< <(KITTY_TEST=$BENCH_COOKIE python3 bench/fixtures/many_listeners.py 9237 100)
read -r ready <&3
[ "$ready" = ready ] || { echo "listener fixture failed" >&2; exit 1; }

KITTY_TEST=$BENCH_COOKIE ./kitty -c 'watch --interval 0.5' >/dev/null 2>&1 &
kitty=$!
sleep 5
out=${OUT:-$root/bench/results/soak-watch-$(date -u +%Y%m%dT%H%M%SZ).md}
mkdir -p "$(dirname "$out")"
{
  echo "# kitty session running watch every 0.5 s for $minutes min (100 listeners classified per round)"
  echo ""
  echo "| minute | live heap after full GC | heap committed | threads | open fds | RSS |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$out"
end=$(( $(date +%s) + minutes * 60 ))
t0=$(date +%s)
while :; do
  "$JAVA_HOME/bin/jcmd" "$kitty" GC.run >/dev/null
  info=$("$JAVA_HOME/bin/jcmd" "$kitty" GC.heap_info)
  # Serial GC: a line per generation (DefNew, Tenured), "total NK, used MK": summed.
  heap=$(awk '/^[A-Za-z].*total/ {gsub(/[K,]/, ""); for (i = 1; i <= NF; i++) if ($i == "used") u += $(i + 1)} END {print u "K"}' <<<"$info")
  committed=$(awk '/^[A-Za-z].*total/ {gsub(/[K,]/, ""); for (i = 1; i <= NF; i++) if ($i == "total") t += $(i + 1)} END {print t "K"}' <<<"$info")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$kitty/status")
  rss=$(awk '/^VmRSS:/ {print $2 " " $3}' "/proc/$kitty/status")
  fds=$(ls "/proc/$kitty/fd" | wc -l)
  echo "| $(( ($(date +%s) - t0) / 60 )) | $heap | $committed | $threads | $fds | $rss |" >> "$out"
  [ "$(date +%s)" -ge "$end" ] && break
  sleep 30
done
kill "$kitty"
echo "" >> "$out"
echo "machine: $(nproc) cores, $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); kitty's heap limit -Xmx64m (the launcher's)" >> "$out"
cat "$out"
