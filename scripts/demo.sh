#!/usr/bin/env bash
# Set up (see setup.sh), check the samples, and draw them into out/: SVG and PNG diagrams and a PDF report each.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/blueprint check samples/
.venv/bin/blueprint build samples/ -o out/ -f svg,png --report
echo "demo: open out/ to see the diagrams (*.blueprint.*, *.journey.*) and reports (*.report.pdf)"
