"""Test helpers: check YAML text, run the real command line, where things are."""
from __future__ import annotations

import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

from blueprint.api import Document, check_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FORMAT_MD = ROOT.parent / "shared" / "spec" / "FORMAT.md"
BLUEPRINT = Path(sys.executable).parent / "blueprint"


def check_yaml(text: str, strict: bool = False) -> Document:
    """Check a service written inline (dedented) as file `t.yaml`."""
    return check_bytes(textwrap.dedent(text).encode("utf-8"), "t.yaml", strict)


def codes(document: Document) -> list[str]:
    return [finding.code for finding in document.findings]


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed `blueprint` console script, as a user would."""
    return subprocess.run([str(BLUEPRINT), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


MINIMAL = """\
blueprint: 1
title: Minimal
stages:
  - id: visit
    title: Visit
    steps:
      - id: enter
        actions:
          customer: Walks in
          frontstage: Greets the guest
"""


def fake_dot(folder: Path, script: str) -> None:
    """A stand-in `dot` on a PATH of its own, to make Graphviz hang or crash on demand."""
    path = folder / "dot"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


class Running:
    """A long-running `blueprint COMMAND ...` (watch, serve) whose output is collected line by line."""

    TIMEOUT_S = 15.0

    def __init__(self, *args: str | Path) -> None:
        self.process = subprocess.Popen([str(BLUEPRINT), *map(str, args)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + self.TIMEOUT_S
        while not condition():
            assert self.process.poll() is None, f"exited early: {self.lines}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}: {self.lines}"
            time.sleep(0.05)

    def seen(self, text: str) -> Callable[[], bool]:
        return lambda: any(text in line for line in self.lines)

    def interrupt(self) -> int:
        """Ctrl-C; the exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=self.TIMEOUT_S)
        self.reader.join(timeout=self.TIMEOUT_S)
        return code
