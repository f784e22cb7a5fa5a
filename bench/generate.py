"""Generate large valid service files for benchmarks."""
from __future__ import annotations

import sys
from pathlib import Path


def _after(number: int) -> str:
    """Every step has `after`, in threes: one follows the step before, the next runs beside it (after the same
    step), the third waits for both."""
    if number == 0:
        return "[]"
    return {1: f"s{number - 1}", 2: f"s{number - 2}", 0: f"[s{number - 2}, s{number - 1}]"}[number % 3]


def service_yaml(steps: int, per_stage: int = 10, after: bool = False) -> str:
    """A valid service of `steps` steps on the canonical lanes, with every kind of marker; with `after` on every
    step when asked."""
    out = ["blueprint: 1", f"title: Generated service with {steps} steps", "stages:"]
    for number in range(steps):
        if number % per_stage == 0:
            out += [f"  - id: stage{number // per_stage}", f"    title: Stage {number // per_stage}", "    steps:"]
        out += [f"      - id: s{number}"] + [f"        after: {_after(number)}"] * after + [
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


def wide_service_yaml(lanes: int, steps: int = 3) -> str:
    """A valid service of `lanes` lanes (one customer lane, then frontstage and backstage ones), every lane acting
    in every step for 1m: each step's chain runs through all of them."""
    half = lanes // 2
    kinds = ["customer"] + ["frontstage"] * (half - 1) + ["backstage"] * (lanes - half)
    out = ["blueprint: 1", f"title: Generated service with {lanes} lanes", "lanes:"]
    out += [f"  - {{id: l{number}, kind: {kind}}}" for number, kind in enumerate(kinds)]
    out += ["stages:", "  - id: work", "    title: Work", "    steps:"]
    for step in range(steps):
        out += [f"      - id: s{step}", "        actions:"]
        out += [f"          l{number}: {{text: Lane {number} works, duration: 1m}}" for number in range(lanes)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"bench/out/generated-{count}.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(service_yaml(count), encoding="utf-8")
    print(target)
