#!/usr/bin/env bash
# Sets up everything the IMR toolchain needs on a fresh Debian/Ubuntu machine:
# Git and Python's venv, then a virtual environment in .venv with the package installed. The PDF
# needs no system library (Typst, its fonts and the PDF readers are wheels). For the tests, also
# Chromium (browser tests; libatomic1 for Playwright's driver) and poppler-utils (the tests read
# PDFs back with poppler too, as a second reader independent of the tool's own) and SoftHSM2 (a
# software smartcard, so the PKCS#11 signing test has a token to sign with).
#
#   scripts/setup.sh          # runtime only
#   scripts/setup.sh --test   # also test tools (pytest, Playwright, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(git python3 python3-venv)
[ "$want_test" = 1 ] && packages+=(chromium libatomic1 poppler-utils softhsm2)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "Setup complete: .venv/bin/imr is ready."
