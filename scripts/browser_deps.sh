#!/bin/sh
# Make sure the real-browser tests have what they need: the distribution's Chromium and a
# Korean font (NanumGothic). Installs them with apt-get where it can (root, or password-less
# sudo, on Debian/Ubuntu); otherwise stops with exactly what to install. Never downloads a
# browser of its own (no `playwright install`).
#
# A second run is instant: apt is skipped when both are already present.
# SILSON_CHROMIUM overrides the browser path (default /usr/bin/chromium).
set -eu

CHROMIUM="${SILSON_CHROMIUM:-/usr/bin/chromium}"
PACKAGES="chromium fonts-nanum"

have_font() {
    for f in /usr/share/fonts/truetype/nanum/NanumGothic.ttf \
             /usr/share/fonts/opentype/nanum/NanumGothic.otf; do
        [ -f "$f" ] && return 0
    done
    command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi nanum && return 0
    return 1
}

if [ -x "$CHROMIUM" ] && have_font; then
    echo "browser-deps: ok ($CHROMIUM, NanumGothic present)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        SUDO="none"
    fi
fi

if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<MSG
browser-deps: cannot install the browser-test prerequisites here (not root, or no apt-get).
The browser tests (tests/browser) need:
  - Chromium at $CHROMIUM  (Debian: package 'chromium'; elsewhere set SILSON_CHROMIUM=/path/to/chromium)
  - a Korean font, NanumGothic (Debian/Ubuntu: package 'fonts-nanum')
Install them as root, for example:
  apt-get update && apt-get install -y $PACKAGES
then run 'make test' again. Do not run 'playwright install': the tests use the system browser.
MSG
    exit 1
fi

echo "browser-deps: installing $PACKAGES with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $PACKAGES >/dev/null

if [ ! -x "$CHROMIUM" ] || ! have_font; then
    echo "browser-deps: apt-get finished but $CHROMIUM or NanumGothic is still missing;" \
         "install a Chromium and fonts-nanum by hand." >&2
    exit 1
fi
echo "browser-deps: ok ($CHROMIUM, NanumGothic installed)"
