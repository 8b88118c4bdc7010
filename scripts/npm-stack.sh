#!/usr/bin/env bash
# Installs the real-toolchain fixture of DevstackFamilyIT (a Vite dev server and a Vitest watch run,
# issue 7) from the npm registry into $KITTY_NPM_STACK (default ~/.cache/kitty/npm-stack), outside
# the source tree so Maven never copies node_modules. Called by .ci/run; safe to run again.
# Exit 0 also when the registry cannot be reached: the test then skips, saying why.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${KITTY_NPM_STACK:-$HOME/.cache/kitty/npm-stack}
mkdir -p "$dir"
cp "$root"/kitty-shell/src/test/resources/fixtures/npm-stack/* "$dir"/
if ! command -v npm >/dev/null; then
  echo "npm-stack: npm is not installed; the Vite/Vitest test will skip" >&2
  exit 0
fi
if [ -x "$dir/node_modules/.bin/vite" ] && [ -x "$dir/node_modules/.bin/vitest" ]; then
  exit 0
fi
if ! (cd "$dir" && timeout 300 npm install --no-audit --no-fund --loglevel=error); then
  echo "npm-stack: npm install failed (registry unreachable?); the Vite/Vitest test will skip" >&2
  rm -rf "$dir/node_modules"
fi
exit 0
