#!/usr/bin/env bash
# Sets up everything (system packages, .venv, test tools) and runs the test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh -m slow for the benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check imr_site plugins tests scripts benchmarks
exec .venv/bin/python -m pytest "$@"
