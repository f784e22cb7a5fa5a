"""Time `blueprint build` on 80 files made from the samples: full build with -j1 and -j2, then a no-op build."""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BLUEPRINT = Path(sys.executable).parent / "blueprint"
COUNT = 80


def variant(data: dict, number: int) -> dict:
    """The service with its title and every stage and step id changed, references included."""
    suffix = f"-v{number}"
    step_ids = {step["id"] for stage in data["stages"] for step in stage["steps"]}

    def reference(ref: str) -> str:
        step, dot, lane = ref.partition(".")
        return f"{step}{suffix}{dot}{lane}" if step in step_ids else ref

    data["title"] = f"{data['title']} (variant {number})"
    for stage in data["stages"]:
        stage["id"] += suffix
        for step in stage["steps"]:
            step["id"] += suffix
            for action in (step.get("actions") or {}).values():
                if isinstance(action, dict) and "to" in action:
                    targets = action["to"]
                    action["to"] = [reference(t) for t in targets] if isinstance(targets, list) else reference(targets)
    for flow in data.get("flows") or []:
        flow["from"], flow["to"] = reference(flow["from"]), reference(flow["to"])
    return data


def make_tree(src: Path) -> None:
    """80 valid service files in 8 folders, cycling through the samples."""
    samples = sorted(SAMPLES.glob("*.yaml"))
    for number in range(COUNT):
        sample = samples[number % len(samples)]
        data = variant(yaml.safe_load(sample.read_text(encoding="utf-8")), number)
        target = src / f"team{number % 8}" / f"{sample.name.split('.')[0]}-{number}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def timed_build(src: Path, out: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([str(BLUEPRINT), "build", str(src), "-o", str(out), *args],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed ({result.returncode}):\n{result.stderr}")
    return seconds, result.stdout.strip().splitlines()[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        src = Path(temp) / "src"
        make_tree(src)
        check = subprocess.run([str(BLUEPRINT), "check", str(src)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
        full_1, summary_1 = timed_build(src, Path(temp) / "out1", "-j1")
        full_2, summary_2 = timed_build(src, Path(temp) / "out2", "-j2")
        noop, summary_0 = timed_build(src, Path(temp) / "out2", "-j2")
        assert re.match(rf"{COUNT} built", summary_1) and re.match(rf"{COUNT} built", summary_2), (summary_1, summary_2)
        assert re.match(rf"0 built, {COUNT} unchanged", summary_0), summary_0
        print(f"{COUNT} files, wall-clock seconds including start-up:")
        print(f"  full build -j1  {full_1:6.2f}")
        print(f"  full build -j2  {full_2:6.2f}   ({full_2 / full_1:.2f} of -j1)")
        print(f"  no-op build     {noop:6.2f}   ({noop / full_1:.3f} of a full -j1 build)")


if __name__ == "__main__":
    main()
