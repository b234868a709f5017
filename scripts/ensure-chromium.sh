#!/usr/bin/env bash
# The browser tests drive Debian's chromium with playwright-core (no browser download).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi dejavu; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Browser tests need Debian's chromium: run 'sudo apt-get install -y chromium' once." >&2
  exit 1
fi
echo "==> installing chromium (Debian package) for the browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-core >/dev/null
