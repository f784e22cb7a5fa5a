"""Times `blueprint check` on a generated 10,000-step file (bench/generate.py): the CLI end to end, and in process;
then the same file with `after` on every step (FORMAT 1.1), which should take at most 1.2x as long.

Each figure is the median of REPEAT runs; the in-process phases show where the time goes.

Run: .venv/bin/python bench/bench_check.py [STEPS]
"""
from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import service_yaml  # noqa: E402
from blueprint.api import check_bytes  # noqa: E402
from blueprint.loader import load_bytes  # noqa: E402
from blueprint.rules import flags  # noqa: E402
from blueprint.semantics import build_service  # noqa: E402
from blueprint.validate import validate  # noqa: E402

REPEAT = 3
BLUEPRINT = Path(sys.executable).parent / "blueprint"


def median_s(run: Callable[[], object]) -> float:
    """Median seconds of `run`, each time from a clean heap and without GC, as `check_bytes` runs."""
    times = []
    for _ in range(REPEAT):
        gc.collect()
        gc.disable()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
        gc.enable()
    return statistics.median(times)


def phases(raw: bytes) -> dict[str, float]:
    """Seconds per phase of one check (load, validate, build, flags), medians."""
    loaded = load_bytes(raw, "bench.yaml")
    validated = validate(loaded.data, loaded.locations, "bench.yaml")
    assert validated.spec is not None
    service, _ = build_service(validated.spec, validated, loaded.locations, "bench.yaml")
    return {
        "load": median_s(lambda: load_bytes(raw, "bench.yaml")),
        "validate": median_s(lambda: validate(loaded.data, loaded.locations, "bench.yaml")),
        "build": median_s(lambda: build_service(validated.spec, validated, loaded.locations, "bench.yaml")),
        "flags": median_s(lambda: flags(service, "bench.yaml")),
    }


def bench(folder: Path, steps: int, after: bool) -> float:
    """Print the figures of one generated file; return the CLI's median seconds."""
    path = folder / f"generated-{steps}{'-after' if after else ''}.yaml"
    path.write_text(service_yaml(steps, after=after), encoding="utf-8")
    raw = path.read_bytes()
    document = check_bytes(raw, str(path))
    assert document.valid, document.findings[:3]

    def cli() -> None:
        result = subprocess.run([str(BLUEPRINT), "check", str(path)], capture_output=True)
        assert result.returncode == 0, result.stderr
    cli_s = median_s(cli)
    in_process_s = median_s(lambda: check_bytes(raw, str(path)))
    print(f"{steps} steps{' with after on every step' if after else ''}, {len(raw) / 2**20:.1f} MB, "
          f"{len(document.findings)} flags")
    print(f"blueprint check (CLI): {cli_s:.2f} s   in process: {in_process_s:.2f} s   (median of {REPEAT})")
    print("   ".join(f"{name} {seconds:.2f} s" for name, seconds in phases(raw).items()))
    return cli_s


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        plain = bench(Path(folder), steps, after=False)
        with_after = bench(Path(folder), steps, after=True)
        print(f"with after / without: {with_after / plain:.2f}x (at most 1.2x)")


if __name__ == "__main__":
    main()
