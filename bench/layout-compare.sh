#!/usr/bin/env bash
# A refactoring's before and after in one session (ADR 28): two built checkouts run as the same
# bare JVM command (the launcher's flags, no AOT cache), alternating:
#   kitty --version, kitty scan          10 runs each, median wall time of the whole process
#   kitty dashboard --cleanup            100 spec-kitty dashboards of deleted projects, until every
#                                        port is free (bench/spec-kitty-dashboards.sh's harness)
# Usage: bench/layout-compare.sh OLD_ROOT [NEW_ROOT]   (NEW_ROOT defaults to this checkout; build
#        each first: ./build -q install -DskipTests)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
old=$(cd "$1" && pwd)
new=$(cd "${2:-$here}" && pwd)
cd "$here"
. scripts/select-jdk.sh
kitty_select_jdk
. scripts/jvm.sh
work=$(mktemp -d)
export KITTY_STATE_DIR="$work/state"
wrapper() { # a launcher for the build at $1, without the AOT cache
  local jar
  jar=$(ls "$1"/kitty-shell/target/kitty-shell-*.jar | grep -v -- -tests.jar | head -1)
  printf '#!/usr/bin/env bash\nexec %q %s -p %q -m dev.kitty.shell/dev.kitty.shell.Main "$@"\n' \
    "$JAVA_HOME/bin/java" "${kitty_jvm_flags[*]}" "$1/kitty-shell/target/lib:$jar" >"$2"
  chmod +x "$2"
}
wrapper "$old" "$work/kitty-old"
wrapper "$new" "$work/kitty-new"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for what in "--version" "scan"; do
  : >"$work/old.txt"
  : >"$work/new.txt"
  for ((i = 0; i < 10; i++)); do
    ms "$work/kitty-old" $what >>"$work/old.txt"
    ms "$work/kitty-new" $what >>"$work/new.txt"
  done
  echo "| cold \`$what\` (median of 10) | $(median <"$work/old.txt") ms | $(median <"$work/new.txt") ms |"
done
o=() n=()
for ((rep = 1; rep <= ${REPS:-3}; rep++)); do
  o+=("$(ONLY=kitty REPS=1 KITTY="$work/kitty-old" OUT="$work/o$rep.md" bench/spec-kitty-dashboards.sh | tail -1 | cut -d'|' -f3 | xargs)")
  n+=("$(ONLY=kitty REPS=1 KITTY="$work/kitty-new" OUT="$work/n$rep.md" bench/spec-kitty-dashboards.sh | tail -1 | cut -d'|' -f3 | xargs)")
done
echo "| 100-orphan \`dashboard --cleanup\` | $(IFS=/; echo "${o[*]}") | $(IFS=/; echo "${n[*]}") |"
rm -rf "$work"
