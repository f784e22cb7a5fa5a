#!/usr/bin/env bash
# Set up (see setup.sh), check the samples, and draw them: SVG and PNG diagrams and a PDF report each, in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/blueprint check samples/
.venv/bin/blueprint render samples/*.yaml -f svg -o out/
.venv/bin/blueprint render samples/*.yaml -f png -o out/
for sample in samples/*.yaml; do
  stem=$(basename "$sample" .yaml)
  .venv/bin/blueprint report "$sample" -o "out/$stem.report.pdf"
  echo "wrote out/$stem.report.pdf"
done
echo "demo: open out/ to see the diagrams and reports"
