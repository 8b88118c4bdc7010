# Sourced by ./kitty, ./build and .ci/run: exports JAVA_HOME pointing at a JDK >= 25.
# Order (contract §1): $JAVA_HOME, then `java` on PATH, then the JDKs under /usr/lib/jvm.
# The default `java` on these machines is 17, which cannot build or run kitty, so we never trust it blindly.

kitty_jdk_major() {
  # Prints the feature version of the JDK at $1, or nothing. The `release` file avoids starting a JVM.
  local home=$1 v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -r "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

kitty_select_jdk() {
  local min=25 candidate major tried=""
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] && candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    major=$(kitty_jdk_major "$candidate")
    tried+="  $candidate: ${major:-not a JDK}"$'\n'
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ -x "$candidate/bin/javac" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  {
    echo "kitty needs a JDK $min or newer (java and javac), and none was found."
    echo "Looked at \$JAVA_HOME, the java on PATH, and /usr/lib/jvm/*:"
    printf '%s' "$tried"
    echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it."
  } >&2
  return 2
}
