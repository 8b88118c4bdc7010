# Sourced by ./kitty and scripts/dist.sh: how both launchers run kitty's JVM.

# Serial GC and C1 only (a short-lived CLI), 64 MB of heap (ADR 24), native access for the signal
# gate (ADR 12) and jline's terminal.
kitty_jvm_flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m --enable-native-access=org.jline.terminal.ffm,dev.kitty.engine)

# Whether PID is still the training's own daemon: its command line names the training's unique
# temporary directory (a pid that exited may have been given to another process since).
kitty_train_ours() {
  ps -o args= -p "$1" 2>/dev/null | grep -qF -- "$2/state"
}

# kitty_train_aot writes an AOT cache (JEP 483/514) from a training run, so that the
# classes kitty loads are found linked and ready at the next start.
# The training runs the read-only commands a user types most (scan, doctor, the dry runs of the
# stops, map, ghosts) in a throw-away state dir with a config file, so that reading JSON is trained
# as well; then it stops one real orphan: a dashboard this function starts on a free port outside
# every family's default range (the config moves the dashboard range there), whose project is
# gone, so that `cleanup` probes it, proves it through the gate and ends it by pidfd. A cold stop
# of 100 dashboards spent ~100 ms more linking and spinning the probe, gate and FFM classes when
# only the read-only paths were trained. A cache that was not written, or does not match the jars
# or runtime it was made with, is ignored by the JVM.
# Returns 0 when the stop was trained (the orphan is gone after the batch), 1 when it was not (no
# free port, or the orphan survived); the cache is written either way.
# Usage: kitty_train_aot OUTPUT JAVA [JVM_ARGS...]   (the module path among the JVM_ARGS, if any)
kitty_train_aot() {
  local out=$1 java=$2 tmp port orphan=
  shift 2
  rm -f "$out"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/kitty" "$tmp/families" "$tmp/gone"
  # The example drop-in family, so that loading a drop-in (the jar audit, its module layer) is
  # trained too: a drop-in cost a cold command ~40 ms untrained.
  local jar
  for jar in "${root:?}"/docs/family-example/target/family-*-example-*.jar; do
    [ -f "$jar" ] && cp "$jar" "$tmp/families/"
  done
  for port in 47237 47537 47837; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
    "$java" "$@" -m dev.kitty.family.dashboard/dev.kitty.family.dashboard.DashboardDaemon \
      --project "$tmp/gone" --port "$port" --state-dir "$tmp/state" </dev/null >/dev/null 2>&1 &
    orphan=$!
    local i
    # Ready once it has written its project's metadata file, the last thing it does before it
    # serves: a project removed any earlier would be made again by that write.
    for ((i = 0; i < 200; i++)); do
      [ -f "$tmp/gone/.kittify/.dashboard" ] && break
      kill -0 "$orphan" 2>/dev/null || break
      sleep 0.05
    done
    kitty_train_ours "$orphan" "$tmp" && [ -f "$tmp/gone/.kittify/.dashboard" ] && break
    kitty_train_ours "$orphan" "$tmp" && kill -KILL "$orphan" 2>/dev/null
    orphan=
  done
  if [ -n "$orphan" ]; then
    echo "{\"families\": {\"dashboard\": {\"port_range\": {\"from\": $port, \"to\": $((port + 1))}}}}" \
      >"$tmp/kitty/config.json"
    rm -rf "$tmp/gone" # its project is gone: an orphan kitty may end
  else
    echo '{"families": {}}' >"$tmp/kitty/config.json"
  fi
  # The batch's exit code says what the machine's ports look like (doctor: 3), not whether the
  # training worked.
  XDG_CONFIG_HOME="$tmp" KITTY_STATE_DIR="$tmp/state" "$java" "$@" -XX:AOTCacheOutput="$out" \
    -m dev.kitty.shell/dev.kitty.shell.Main --json --family-path "$tmp/families" \
    -c 'families --explain; scan; doctor; cleanup --dry-run; doctor --reset --dry-run; map; ghosts; sync status; cleanup dashboard' \
    >/dev/null 2>&1 || true
  # The orphan is this function's own child, ended by its pid if the training did not end it.
  local trained=1
  if [ -n "$orphan" ]; then
    if kitty_train_ours "$orphan" "$tmp"; then
      kill -KILL "$orphan" 2>/dev/null || true
    else
      trained=0
    fi
    wait "$orphan" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  return $trained
}
