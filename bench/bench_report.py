"""Times `blueprint report` (the real command, WeasyPrint import included) on the samples and a generated
10-step service.

Each figure is the best of REPEAT runs (the machine is shared; the minimum is the least noisy).
Target: under 3 s for a 10-step service.

Run: .venv/bin/python bench/bench_report.py [FILE...]
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import service_yaml  # noqa: E402

REPEAT = 3
BLUEPRINT = Path(sys.executable).parent / "blueprint"


def pages(pdf: Path) -> str:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def measure(source: Path, folder: Path) -> None:
    out = folder / f"{source.stem}.pdf"
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run([str(BLUEPRINT), "report", str(source), "-o", str(out)], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    print(f"{source.name:32s} {best:6.2f} s  {pages(out):>3s} pages  {out.stat().st_size / 1024:7.0f} KB")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        generated = folder / "generated-10-steps.yaml"
        generated.write_text(service_yaml(10), encoding="utf-8")
        files = [Path(arg) for arg in sys.argv[1:]] or [generated, *sorted((ROOT / "samples").glob("*.yaml"))]
        for source in files:
            measure(source, folder)
