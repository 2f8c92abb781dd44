#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing and we can (root + apt).
# Playwright cannot download its own browser here, so the tests drive /usr/bin/chromium.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk >/dev/null \
    || echo "chromium: apt-get could not install chromium"
else
  echo "chromium: /usr/bin/chromium is missing and cannot be installed (not root or no apt-get);"
  echo "chromium: browser tests will be skipped (and fail under CI=true)."
fi
exit 0
