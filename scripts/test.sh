#!/usr/bin/env bash
# Set up (see setup.sh), run ruff and mypy, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The project's own checks beside the tests (settings in pyproject.toml)
.venv/bin/ruff check
.venv/bin/mypy
exec .venv/bin/python -m pytest -q "$@"
