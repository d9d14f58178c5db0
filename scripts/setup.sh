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

# The system packages: scripts/system-packages.txt is the one list (the Containerfile reads it too).
kinds=" run "
[ "$want_test" = 1 ] && kinds=" run test "
mapfile -t packages < <(awk -v kinds="$kinds" '!/^#/ && NF && index(kinds, " " $1 " ") {print $2}' \
  scripts/system-packages.txt)

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
# setuptools prints a boxed note on every editable install ("Editable installation ... be careful
# with folders ..."): information, not a problem, so it is silenced here. A real packaging warning
# still shows in a normal install (pip install .), which tests/test_install.py checks prints none.
extra=""
[ "$want_test" = 1 ] && extra="[test]"
PYTHONWARNINGS=ignore::UserWarning .venv/bin/python -m pip install -q -e ".$extra"
echo "Setup complete: .venv/bin/imr is ready."
