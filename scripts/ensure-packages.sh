#!/usr/bin/env bash
# Install the Debian packages the app and its tests use, when missing and we can (root + apt):
#   fonts     Noto fonts, so remix captions render Arabic, Hebrew and CJK text
#   chromium  Debian's Chromium for the browser tests (Playwright cannot download its own here)
#   exiftool  ExifTool, which the tests run (`-validate`) on published remixes' XMP
#   node      Node.js and npm, which install axe-core for the accessibility tests
#   espeak    espeak-ng, which speaks the demo's (and the voice tests') videos
# Usage: scripts/ensure-packages.sh fonts [chromium] [exiftool] [node] [espeak]
set -u
wanted=()
for what in "$@"; do
  case "$what" in
    fonts) [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ] \
             && [ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf ] \
             || wanted+=(fonts-noto-core fonts-noto-cjk) ;;
    chromium) [ -x /usr/bin/chromium ] || wanted+=(chromium) ;;
    exiftool) command -v exiftool >/dev/null 2>&1 || wanted+=(libimage-exiftool-perl) ;;
    node) command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm) ;;
    espeak) command -v espeak-ng >/dev/null 2>&1 || wanted+=(espeak-ng) ;;
  esac
done
[ ${#wanted[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "packages: installing ${wanted[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${wanted[@]}" >/dev/null \
    || echo "packages: apt-get could not install ${wanted[*]}"
else
  echo "packages: missing ${wanted[*]} and cannot install them (not root or no apt-get);"
  echo "packages: browser and exiftool tests will be skipped (and fail under CI=true); captions in some"
  echo "packages: scripts fall back to DejaVu fonts."
fi
exit 0
