#!/usr/bin/env bash
# The package as a user gets it: packs tf from a clean copy of this checkout (no dist/: the pack's
# prepack must build it), checks what the tarball holds and weighs, installs it globally into a
# temporary prefix without the network, and from an unrelated folder runs the installed tf:
# --version, check, and a short start of the demo that must drain cleanly on Ctrl-C (SIGINT).
#
#   scripts/ci-package.sh            (CI runs it on Node 20 and on Node 24)
#
# Environment: TF_PACKAGE_PORT, the demo's base port (default 27300, clear of the tests' ports).
# Exit status: 0 when every check passed, 1 when one failed (it says which).
set -euo pipefail
set -m # background jobs get their own process group and keep SIGINT's default (bash ignores it otherwise)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${TF_PACKAGE_PORT:-27300}
# ~288 kB before tf ui; its page (dist/ui, ~18 kB gzipped, bench row `page`) ships in the package too.
MAX_BYTES=330000
WORK=$(mktemp -d)
TF_PID=
cleanup() {
  # Only the tf this script started, and only if it is still running after a failed check.
  if [ -n "$TF_PID" ] && kill -0 "$TF_PID" 2>/dev/null; then kill -KILL "$TF_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 143" TERM
trap "exit 130" INT
fail() { echo "ci-package: FAIL: $*" >&2; exit 1; }
ok() { echo "ci-package: ok: $*"; }
# npm's cache and config in the temp folder: the user's are left alone, and a user without a home works.
export npm_config_cache="$WORK/npm-cache" npm_config_userconfig="$WORK/npmrc" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export TF_CACHE_DIR="$WORK/tf-cache" NO_COLOR=1
now_ms() { date +%s%3N; }

echo "== package (node $(node --version), npm $(npm --version))"
# A clean copy: the files git tracks and new files it does not ignore; node_modules shared.
mkdir "$WORK/clone"
# safe.directory: this checkout may belong to another user (CI hands it to an ordinary one); only listed here.
git -C "$ROOT" -c safe.directory='*' ls-files -z --cached --others --exclude-standard >"$WORK/tracked" || fail "git cannot list $ROOT"
(cd "$ROOT" && tar --null --ignore-failed-read -T "$WORK/tracked" -cf - 2>/dev/null) | tar -xf - -C "$WORK/clone"
ln -s "$ROOT/node_modules" "$WORK/clone/node_modules"
[ ! -e "$WORK/clone/dist" ] || fail "the clean copy has a dist/ folder: it must be built by prepack"

mkdir "$WORK/pack"
(cd "$WORK/clone" && npm pack --silent --pack-destination "$WORK/pack" >/dev/null) || fail "npm pack failed"
TARBALL=$(ls "$WORK/pack"/*.tgz)
BYTES=$(stat -c %s "$TARBALL")
tar -tzf "$TARBALL" | sort >"$WORK/files"
ok "packed $(basename "$TARBALL"): $BYTES bytes, $(wc -l <"$WORK/files") files"
[ "$BYTES" -lt "$MAX_BYTES" ] || fail "the tarball is $BYTES bytes, over the $MAX_BYTES budget"

# Exactly what runs, nothing twice: the bundle, its loader, the vendored ES modules, the native shims,
# tf ui's built page (ui/build.mjs: index.html and its hashed assets).
ALLOWED='^package/(package\.json|README\.md|LICENSE|bin/tf\.js|dist/tf\.js|dist/cli/bundle-loader\.js|dist/vendor/(execa|chokidar)\.js|dist/THIRD-PARTY-LICENSES\.txt|dist/native/tf-shim-linux-(x64|arm64)|dist/ui/index\.html|dist/ui/assets/[A-Za-z0-9_-]+\.(js|css))$'
if grep -Ev "$ALLOWED" "$WORK/files"; then fail "the tarball holds files that do not run (above)"; fi
for required in package.json LICENSE README.md bin/tf.js dist/tf.js dist/cli/bundle-loader.js dist/vendor/execa.js dist/vendor/chokidar.js dist/THIRD-PARTY-LICENSES.txt dist/ui/index.html; do
  grep -qx "package/$required" "$WORK/files" || fail "the tarball lacks $required"
done
# The build makes tf's native shim for this machine (scripts/build-native.mjs): the package must carry it.
if [ -e "$ROOT/scripts/build-native.mjs" ]; then
  for arch in x64; do grep -qx "package/dist/native/tf-shim-linux-$arch" "$WORK/files" || fail "the tarball lacks dist/native/tf-shim-linux-$arch"; done
fi
ok "the tarball holds only what runs"

echo "== global install into a temporary prefix, offline"
START=$(now_ms)
npm install --global --offline --prefix "$WORK/prefix" "$TARBALL" >/dev/null 2>"$WORK/install.err" || { cat "$WORK/install.err"; fail "npm install -g of the tarball failed (offline: it must need no other package)"; }
ok "installed in $(($(now_ms) - START)) ms"
# A lifecycle script such as prepare in the published package.json makes npm warn on every install.
if grep -i warn "$WORK/install.err"; then fail "npm warned while installing the tarball (above)"; fi
TF="$WORK/prefix/bin/tf"
[ -x "$TF" ] || fail "no tf on the prefix's PATH ($TF)"

# The demo app, copied away from the checkout; tf runs from a folder that has nothing to do with it.
APP="$WORK/app"
mkdir -p "$APP" "$WORK/elsewhere"
cp -r "$ROOT/Procfile.example" "$ROOT/.env.example" "$ROOT/demo" "$APP/"
cd "$WORK/elsewhere"

VERSION=$(node -p "require('$ROOT/package.json').version")
[ "$("$TF" --version)" = "$VERSION" ] || fail "tf --version did not print $VERSION"
ok "tf --version: $VERSION"

"$TF" check -f "$APP/Procfile.example" -e "$APP/.env.example" -p "$PORT" >"$WORK/check.out" || { cat "$WORK/check.out"; fail "tf check failed"; }
grep -q "web.1 *port $PORT" "$WORK/check.out" || { cat "$WORK/check.out"; fail "tf check did not print the formation"; }
ok "tf check"

# The ES-module-only dependencies, vendored as CommonJS (tf loads them only for release create and --watch).
INSTALLED="$WORK/prefix/lib/node_modules/$(node -p "require('$ROOT/package.json').name")"
node -e '
  const [dir] = process.argv.slice(1);
  const { execa } = require(dir + "/dist/vendor/execa.js");
  const { watch } = require(dir + "/dist/vendor/chokidar.js");
  if (typeof watch !== "function") throw new Error("chokidar.watch is missing");
  execa("node", ["-p", "6 * 7"]).then((r) => { if (r.stdout !== "42") throw new Error(r.stdout); });
' "$INSTALLED" || fail "the vendored execa or chokidar does not load from the installed package"
ok "the vendored execa and chokidar load and run"

echo "== tf start of the demo, then Ctrl-C (SIGINT)"
"$TF" start -f "$APP/Procfile.example" -e "$APP/.env.example" -p "$PORT" --no-timestamps >"$WORK/start.out" 2>&1 &
TF_PID=$!
wait_for() { # PATTERN SECONDS: until the output has PATTERN, or fail
  local deadline=$(($(date +%s) + $2))
  until grep -q "$1" "$WORK/start.out"; do
    kill -0 "$TF_PID" 2>/dev/null || { cat "$WORK/start.out"; fail "tf start ended before printing '$1'"; }
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$WORK/start.out"; fail "no '$1' from tf start within $2 s"; }
    sleep 0.1
  done
}
wait_for "web.1 *| listening on http://localhost:$PORT" 60
wait_for "worker.1 *|" 60
wait_for "clock.1 *|" 60
kill -INT "$TF_PID"
STATUS=0
DEADLINE=$(($(date +%s) + 60))
while kill -0 "$TF_PID" 2>/dev/null; do
  [ "$(date +%s)" -lt "$DEADLINE" ] || { cat "$WORK/start.out"; fail "tf start did not exit within 60 s of SIGINT"; }
  sleep 0.1
done
wait "$TF_PID" || STATUS=$?
TF_PID=
[ "$STATUS" -eq 130 ] || { cat "$WORK/start.out"; fail "tf start exited $STATUS on SIGINT, not 130"; }
grep -q "web.1 *| closed cleanly" "$WORK/start.out" || { cat "$WORK/start.out"; fail "web did not drain on SIGINT"; }
for pid in $(pgrep -f 'node demo/' || true); do
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" != "$APP" ] || fail "a demo process (pid $pid) outlived tf"
done
ok "tf start ran the demo and drained it on SIGINT (exit 130)"
echo "ci-package: $(grep -c '' "$WORK/files") files, $BYTES bytes packed; all checks passed"
