#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser).
# Installs it when it is missing and we may; otherwise says how.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/lib/chromium/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$chromium" ] && exit 0
fi
echo "The browser tests need Chromium at $chromium: install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
