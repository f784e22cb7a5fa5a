"""Times `blueprint serve` from a save to the change event (the file checked and both diagrams drawn), and to
the page's data and SVGs fetched, for samples of 16 and 60 steps.

Each figure is the best and the median of REPEAT saves (the machine is shared).

Run: .venv/bin/python bench/bench_serve.py
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serving import Events, Server  # noqa: E402

REPEAT = 5
SAMPLES = ("hotel-stay.yaml", "big-60-steps.yaml")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in SAMPLES:
            shutil.copy(ROOT / "samples" / name, folder)
        server = Server(Path(folder))
        events = Events(server)
        try:
            for name in SAMPLES:
                source = Path(folder) / name
                text = source.read_text(encoding="utf-8")
                server.json(f"/data/{name}")
                to_event, to_page = [], []
                for run in range(REPEAT):
                    seen = len(events.changes)
                    start = time.perf_counter()
                    source.write_text(f"{text}\n# edit {run}\n", encoding="utf-8")
                    server.wait_for(lambda seen=seen: len(events.changes) > seen, "the change event")
                    to_event.append(time.perf_counter() - start)
                    server.json(f"/data/{name}")
                    for view in ("journey", "blueprint"):
                        server.get(f"/svg/{view}/{name}")
                    to_page.append(time.perf_counter() - start)
                print(f"{name}: save → event best {min(to_event) * 1000:.0f} ms, median "
                      f"{statistics.median(to_event) * 1000:.0f} ms; → data and SVGs fetched best "
                      f"{min(to_page) * 1000:.0f} ms, median {statistics.median(to_page) * 1000:.0f} ms")
        finally:
            server.interrupt()
            events.close()


if __name__ == "__main__":
    main()
