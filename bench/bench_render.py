"""Times the renderer's own Python work against Graphviz's time on the DOT it emits (300 and 1,000 steps).

Each figure is the best of REPEAT runs (the machine is shared; the minimum is the least noisy).

Run: .venv/bin/python bench/bench_render.py [STEPS...]
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blueprint.api import load_service  # noqa: E402
from blueprint.render import dot_source  # noqa: E402

REPEAT = 5
LANES = """lanes:
  - {id: evidence, title: Physical evidence, kind: evidence}
  - {id: customer, title: Customer, kind: customer}
  - {id: front, title: Front office, kind: frontstage}
  - {id: back, title: Back office, kind: backstage}
  - {id: system, title: Core system, kind: support}
"""


def service_yaml(steps: int, per_stage: int = 10) -> str:
    """A service with `steps` steps in stages of `per_stage`, five lanes, markers and a few explicit flows."""
    out = ["blueprint: 1", f"title: Benchmark with {steps} steps", LANES.rstrip(), "stages:"]
    for s in range(0, steps, per_stage):
        out += [f"  - id: st{s}", f"    title: Stage {s // per_stage + 1}", "    steps:"]
        for i in range(s, min(s + per_stage, steps)):
            out += [f"      - id: p{i}", "        emotion: " + str(i % 5 - 2), "        actions:",
                    f"          evidence: Receipt number {i}",
                    f"          customer: {{text: Customer does step {i} of the journey, duration: 2m}}",
                    f"          front: Agent answers request {i} and logs it"]
            if i % 2 == 0:
                out.append(f"          back: {{text: Back office checks case {i}, fail: Case lost}}")
            out.append(f"          system: Core system stores record {i}")
            if i % 7 == 3:
                out.append("        wait: {expected: 10m, tolerance: 5m}")
            if i % 5 == 1:
                out.append(f"        pain: Slow answer at step {i}")
    out.append("flows:")
    for i in range(3, steps, 6):
        out.append(f"  - {{from: p{i}.system, to: p{i - 2}.front, kind: data, label: status {i}}}")
    return "\n".join(out) + "\n"


def measure(steps: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.yaml"
        path.write_text(service_yaml(steps), encoding="utf-8")
        service = load_service(path)
        for view in ("blueprint", "journey"):
            ours = float("inf")
            for _ in range(REPEAT):
                start = time.perf_counter()
                source = dot_source(service, view)
                ours = min(ours, time.perf_counter() - start)
            dot_file = Path(folder) / f"{view}.dot"
            dot_file.write_text(source, encoding="utf-8")
            graphviz = float("inf")
            for _ in range(REPEAT):
                start = time.perf_counter()
                subprocess.run(["dot", "-Tsvg", str(dot_file), "-o", str(dot_file.with_suffix(".svg"))], check=True)
                graphviz = min(graphviz, time.perf_counter() - start)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{steps:5d} steps {view:9s}: ours {ours:6.3f} s, Graphviz {graphviz:6.3f} s, "
                  f"overhead {100 * ours / graphviz:5.1f} %, Graphviz peak RSS so far {peak:6.0f} MB, "
                  f"DOT {len(source) / 1e6:.1f} MB")


if __name__ == "__main__":
    for count in [int(arg) for arg in sys.argv[1:]] or [300, 1000]:
        measure(count)
