"""Start-up cost of the command line, as ratios measured in one run: against `python -c pass` and mermaid-cli.

Targets (issue 13): `check` of an 8-step file at most 4 x `python -c pass` of the same interpreter,
`--help` at most 3.5 x, `render --view journey -f svg` of that file at most 0.10 x mermaid-cli drawing the
same journey as a Mermaid `journey` (the diagram `blueprint export --to mermaid` writes).

The commands run in rounds, one of each per round, so a ratio compares runs seconds apart on a machine
that others share; each figure is the median over the rounds. mermaid-cli comes from the npm registry into
bench/.mermaid (ignored by git) when it is not there, driving Debian's chromium; when it cannot be had the
bench says why and skips that ratio.

Run: .venv/bin/python bench/bench_start.py [ROUNDS]      (exit 1 when a target is missed)
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import service_yaml  # noqa: E402

BLUEPRINT = str(Path(sys.executable).parent / "blueprint")
MERMAID_DIR = Path(__file__).resolve().parent / ".mermaid"
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"check": 4.0, "--help": 3.5}
RENDER_TARGET = 0.10
MERMAID_ROUNDS = 3


def seconds(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the process and all it waited for) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed ({process.returncode}): {error.decode()[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def mermaid_cli() -> tuple[Path | None, str]:
    """The mmdc program, installed into bench/.mermaid when missing; or None and the reason."""
    mmdc = MERMAID_DIR / "node_modules" / ".bin" / "mmdc"
    if mmdc.exists():
        return mmdc, ""
    if not Path(CHROMIUM).exists():
        return None, f"{CHROMIUM} is missing (apt-get install chromium)"
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is missing (apt-get install npm)"
    MERMAID_DIR.mkdir(exist_ok=True)
    print("bench: installing @mermaid-js/mermaid-cli into bench/.mermaid (once) ...", file=sys.stderr)
    installed = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                                "@mermaid-js/mermaid-cli"], cwd=MERMAID_DIR, capture_output=True, text=True,
                               env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}, timeout=1200)
    if installed.returncode != 0 or not mmdc.exists():
        return None, f"npm install failed: {installed.stderr.strip()[-300:]}"
    return mmdc, ""


def rounds_of(commands: dict[str, list[str]], rounds: int) -> dict[str, list[tuple[float, float]]]:
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(seconds(command))
    return times


def ratio(times: list[tuple[float, float]], base: list[tuple[float, float]], which: int) -> float:
    """The median over the rounds of one command's time over the base command's in the same round."""
    return statistics.median(run[which] / other[which] for run, other in zip(times, base))


def line(name: str, times: list[tuple[float, float]]) -> str:
    wall = statistics.median(run[0] for run in times)
    cpu = statistics.median(run[1] for run in times)
    return f"  {name:<22} {wall:6.3f} s wall, {cpu:6.3f} s CPU"


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    folder = Path(tempfile.mkdtemp(prefix="bench-start-"))
    service = folder / "eight.yaml"
    service.write_text(service_yaml(8), encoding="utf-8")
    render = [BLUEPRINT, "render", str(service), "--view", "journey", "-f", "svg", "-o", str(folder / "out")]
    commands = {"pass": [sys.executable, "-c", "pass"],
                "check": [BLUEPRINT, "check", str(service)],
                "--help": [BLUEPRINT, "--help"],
                "render": render}
    # Our modules' bytecode as setup.sh leaves it: with PYTHONDONTWRITEBYTECODE set, stale files would
    # otherwise be compiled again on every run and measured with it.
    package = Path(__file__).resolve().parent.parent / "blueprint"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    for command in commands.values():
        seconds(command)                                  # warm the page cache
    times = rounds_of(commands, rounds)
    missed = []
    print(f"{rounds} rounds; medians; a ratio is the median of the per-round ratios (wall clock decides)")
    print(line("python -c pass", times["pass"]))
    for name, target in TARGETS.items():
        wall, cpu = ratio(times[name], times["pass"], 0), ratio(times[name], times["pass"], 1)
        missed += [name] if wall > target else []
        print(f"{line('blueprint ' + name, times[name])}   {wall:5.2f} x python -c pass (CPU {cpu:5.2f} x)"
              f"   target <= {target}: {'ok' if wall <= target else 'MISSED'}")
    print(line("blueprint render", times["render"]))

    mmdc, why = mermaid_cli()
    if mmdc is None:
        print(f"  mermaid-cli: not measured: {why}")
        return 1 if missed else 0
    diagram = subprocess.run([BLUEPRINT, "export", str(service), "--to", "mermaid"], capture_output=True,
                             text=True, check=True).stdout
    (folder / "eight.mmd").write_text(diagram, encoding="utf-8")
    (folder / "puppeteer.json").write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox"]}))
    mermaid = [str(mmdc), "-q", "-p", str(folder / "puppeteer.json"), "-i", str(folder / "eight.mmd"),
               "-o", str(folder / "eight.svg")]
    seconds(mermaid)
    pairs = rounds_of({"render": render, "mermaid": mermaid}, MERMAID_ROUNDS)
    wall, cpu = ratio(pairs["render"], pairs["mermaid"], 0), ratio(pairs["render"], pairs["mermaid"], 1)
    missed += ["render"] if wall > RENDER_TARGET else []
    print(f"{line('mermaid-cli journey', pairs['mermaid'])}   render = {wall:.3f} x mermaid-cli (CPU {cpu:.3f} x)"
          f"   target <= {RENDER_TARGET}: {'ok' if wall <= RENDER_TARGET else 'MISSED'}")
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
