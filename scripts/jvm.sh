# Sourced by ./kitty and scripts/dist.sh: how both launchers run kitty's JVM.

# Serial GC and C1 only (a short-lived CLI), 64 MB of heap (ADR 24), native access for the signal
# gate (ADR 12) and jline's terminal.
kitty_jvm_flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m --enable-native-access=org.jline.terminal.ffm,dev.kitty.engine)

# kitty_train_aot writes an AOT cache (JEP 483/514) from a read-only training run, so that the
# classes kitty loads are found linked and ready at the next start.
# The training runs the read-only commands a user types most (scan, doctor, the dry runs of the
# stops, map, ghosts) in a throw-away state dir with a config file, so that reading JSON is trained
# as well. A cache that was not written, or does not match the jars or runtime it was made with,
# is ignored by the JVM.
# Usage: kitty_train_aot OUTPUT JAVA [JVM_ARGS...]   (the module path among the JVM_ARGS, if any)
kitty_train_aot() {
  local out=$1 java=$2 tmp
  shift 2
  rm -f "$out"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/kitty" "$tmp/families" && echo '{"families": {}}' >"$tmp/kitty/config.json"
  # The example drop-in family, so that loading a drop-in (the jar audit, its module layer) is
  # trained too: a drop-in cost a cold command ~40 ms untrained.
  local jar
  for jar in "${root:?}"/docs/family-example/target/family-*-example-*.jar; do
    [ -f "$jar" ] && cp "$jar" "$tmp/families/"
  done
  # The batch's exit code says what the machine's ports look like (doctor: 3), not whether the
  # training worked.
  XDG_CONFIG_HOME="$tmp" KITTY_STATE_DIR="$tmp/state" "$java" "$@" -XX:AOTCacheOutput="$out" \
    -m dev.kitty.shell/dev.kitty.shell.Main --json --family-path "$tmp/families" \
    -c 'families --explain; scan; doctor; cleanup --dry-run; doctor --reset --dry-run; map; ghosts; sync status' \
    >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
