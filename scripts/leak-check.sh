#!/usr/bin/env bash
# After the suite: nothing may listen in a family range, no process may carry a kitty cookie, and
# no cgroup kitty made for a launch (MOUNT/kitty/STATE/[stack-ID/]LAUNCH, ADR 29, 30) may still hold a process.
# Prints what it finds (with pid and command line) and exits 1 if anything leaked. Reads only.
set -u
ranges='3000-3099 7860-7899 8888-8899 9237-9336 9400-9449'
leaks=0
while read -r line; do
  [ -n "$line" ] || continue
  echo "leak: listener $line"
  leaks=1
done < <(ss -Hltnp 2>/dev/null | awk -v R="$ranges" '
  BEGIN { n = split(R, r, " "); for (i = 1; i <= n; i++) { split(r[i], b, "-"); lo[i] = b[1]; hi[i] = b[2] } }
  { addr = $4; sub(/.*:/, "", addr); p = addr + 0
    for (i = 1; i <= n; i++) if (p >= lo[i] && p <= hi[i]) print $4, $6 }')
for d in /proc/[0-9]*; do
  pid=${d#/proc/}
  [ "$pid" = "$$" ] && continue
  if { tr '\0' '\n' < "$d/environ"; } 2>/dev/null | grep -q '^KITTY_\(LAUNCH_ID\|TEST\)='; then
    echo "leak: pid $pid carries a kitty cookie: $({ tr '\0' ' ' < "$d/cmdline"; } 2>/dev/null | cut -c1-160)"
    leaks=1
  fi
done
# Cells are STATE/LAUNCH or STATE/stack-ID/LAUNCH; on a hybrid host the v1 companions that limit
# them (ADR 30) have the same paths under each v1 hierarchy's kitty folder.
for procs in $(find /sys/fs/cgroup/kitty /sys/fs/cgroup/unified/kitty /sys/fs/cgroup/pids/kitty \
  /sys/fs/cgroup/memory/kitty /sys/fs/cgroup/cpu/kitty -mindepth 2 -maxdepth 4 -name cgroup.procs 2>/dev/null); do
  [ -f "$procs" ] || continue
  while read -r pid; do
    [ -n "$pid" ] || continue
    echo "leak: pid $pid in kitty's cgroup ${procs%/cgroup.procs}: $({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-160)"
    leaks=1
  done <"$procs"
done
if [ "$leaks" = 0 ]; then
  echo "leak check: no listener in a family range, no process with a kitty cookie, no populated kitty cgroup"
fi
exit "$leaks"
