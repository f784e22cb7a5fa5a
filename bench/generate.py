"""Generate large valid service files for benchmarks."""
from __future__ import annotations

import sys
from pathlib import Path


def service_yaml(steps: int, per_stage: int = 10) -> str:
    """A valid service of `steps` steps on the canonical lanes, with every kind of marker."""
    out = ["blueprint: 1", f"title: Generated service with {steps} steps", "stages:"]
    for number in range(steps):
        if number % per_stage == 0:
            out += [f"  - id: stage{number // per_stage}", f"    title: Stage {number // per_stage}", "    steps:"]
        out += [
            f"      - id: s{number}",
            f"        touchpoint: {{name: Counter {number}, channel: in-person}}",
            f"        emotion: {number % 5 - 2}",
            "        actions:",
            f"          evidence: Sign number {number}",
            f"          customer: {{text: Customer does thing {number}, duration: 1m, value: customer}}",
            f"          frontstage: {{text: Staff helps with thing {number}, duration: 2m, value: business}}",
            f"          backstage: {{text: Office prepares {number}, duration: 3m, value: none}}",
            "          support:",
            f"            text: System records {number}",
            "            fail: {what: System down, severity: 3, likelihood: 2, mitigation: Retry}",
        ]
        if number % 3 == 0:
            out += ["        wait: {expected: 5m, tolerance: 3m}", "        pain: Too slow"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"bench/out/generated-{count}.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(service_yaml(count), encoding="utf-8")
    print(target)
