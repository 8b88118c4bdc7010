# Sourced by ./kitty, ./build and .ci/run: exports JAVA_HOME pointing at a JDK >= 25.
# Order (contract §1): $JAVA_HOME, then `java` on PATH, then the JDKs under /usr/lib/jvm.
# The default `java` on these machines is 17, which cannot build or run kitty, so we never trust it blindly.

kitty_jdk_major() {
  # Prints the feature version of the JDK at $1, or nothing. The `release` file avoids starting a
  # JVM, and reading it in bash avoids a fork: the launcher runs this on every kitty command.
  local home=$1 v="" line
  [ -x "$home/bin/java" ] || return 0
  if [ -r "$home/release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        v=${BASH_REMATCH[1]}
        break
      fi
    done <"$home/release"
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

kitty_select_jdk() {
  local min=25 candidate tried=""
  # Candidates are tried in order and the first good one wins at once: $JAVA_HOME costs no fork.
  kitty_try_jdk() {
    local major
    major=$(kitty_jdk_major "$1")
    tried+="  $1: ${major:-not a JDK}"$'\n'
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ -x "$1/bin/javac" ]; then
      export JAVA_HOME="$1"
      return 0
    fi
    return 1
  }
  if [ -n "${JAVA_HOME:-}" ] && kitty_try_jdk "$JAVA_HOME"; then
    return 0
  fi
  if command -v java >/dev/null 2>&1 && kitty_try_jdk "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; then
    return 0
  fi
  for candidate in /usr/lib/jvm/*; do
    if [ -d "$candidate" ] && kitty_try_jdk "$candidate"; then
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
