#!/usr/bin/env bash
# Sets up everything and builds the example case: the site in site/, the PDF inside it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/imr check .
exec .venv/bin/imr build . "$@"
