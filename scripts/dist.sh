#!/usr/bin/env bash
# Builds kitty's self-contained distribution (issue 8): a jlink runtime image of kitty's modules
# and their dependencies (no JDK needed on the target machine), the launcher bin/kitty, bash/zsh
# completion and man pages generated from the command tree, the docs, packed as
# kitty-shell/target/dist/kitty-VERSION-linux-x64.tar.gz. Run by the build (package phase of
# kitty-shell, after the module path is copied); also by hand: scripts/dist.sh VERSION.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: scripts/dist.sh VERSION}
. "$root/scripts/select-jdk.sh"
kitty_select_jdk
shell="$root/kitty-shell"
dist="$shell/target/dist"
out="$dist/kitty-$version"
rm -rf "$out" "$dist"/kitty-*.tar.gz
mkdir -p "$out/bin"
"$JAVA_HOME/bin/jlink" \
  --module-path "$shell/target/lib:$shell/target/kitty-shell-$version.jar" \
  --add-modules dev.kitty.shell,dev.kitty.family.sync,dev.kitty.family.dashboard,dev.kitty.family.webui,dev.kitty.family.devstack,org.slf4j.simple,org.jline.terminal.ffm \
  --output "$out/runtime" --strip-debug --no-header-files --no-man-pages --compress zip-6
# The family test kit beside the image, loaded by `kitty family verify` in a layer of its own
# (ADR 35): QuickTheories is an automatic module, which jlink cannot link.
cp -r "$shell/target/kit" "$out/kit"
. "$root/scripts/jvm.sh"
# The runtime's own AOT cache (ADR 22 addendum): made by the runtime it ships with, so it matches
# wherever the tarball is unpacked; it halves `kitty --version` and a cold `families` (ADR 22).
kitty_train_aot "$out/runtime/lib/kitty.aot" "$out/runtime/bin/java" "${kitty_jvm_flags[@]}" \
  || echo "dist: the AOT training could not stop an orphan dashboard: the stop path is not trained" >&2
cat >"$out/bin/kitty" <<LAUNCHER
#!/bin/sh
# kitty's launcher: the runtime image next to it, the same JVM flags as the development launcher,
# and the runtime's AOT cache when it is there (a cache that does not match is ignored).
here=\$(cd "\$(dirname "\$(readlink -f "\$0")")/.." && pwd)
java="\$here/runtime/bin/java"
aot="\$here/runtime/lib/kitty.aot"
if [ -f "\$aot" ]; then
  exec "\$java" ${kitty_jvm_flags[*]} -Dkitty.kit.path="\$here/kit" -XX:AOTCache="\$aot" -Xlog:aot=off -Xlog:cds=off -m dev.kitty.shell/dev.kitty.shell.Main "\$@"
fi
exec "\$java" ${kitty_jvm_flags[*]} -Dkitty.kit.path="\$here/kit" -m dev.kitty.shell/dev.kitty.shell.Main "\$@"
LAUNCHER
chmod +x "$out/bin/kitty"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KITTY_STATE_DIR="$tmp/state" XDG_CONFIG_HOME="$tmp" "$out/bin/kitty" generate-docs "$out/share" >/dev/null
mkdir -p "$out/share/doc"
cp -r "$root/docs/." "$out/share/doc/"
cp "$root/README.md" "$root/CHANGELOG.md" "$out/share/doc/"
tar -C "$dist" -czf "$dist/kitty-$version-linux-x64.tar.gz" "kitty-$version"
echo "kitty distribution: $dist/kitty-$version-linux-x64.tar.gz"
