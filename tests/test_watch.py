"""`blueprint watch` for real: a subprocess, real file events, real `dot`, then Ctrl-C."""
from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from support import BLUEPRINT, MINIMAL

TIMEOUT_S = 15.0


class Watcher:
    """A running `blueprint watch` whose output is collected line by line."""

    def __init__(self, src: Path, out: Path) -> None:
        self.process = subprocess.Popen([str(BLUEPRINT), "watch", str(src), "-o", str(out), "-j1"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            assert self.process.poll() is None, f"watch exited early: {self.lines}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}: {self.lines}"
            time.sleep(0.05)

    def seen(self, text: str) -> Callable[[], bool]:
        return lambda: any(text in line for line in self.lines)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=TIMEOUT_S)
        self.reader.join(timeout=TIMEOUT_S)
        return code


def test_watch_rebuilds_on_change_survives_a_broken_file_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    source = src / "visit.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    drawn = out / "visit.blueprint.svg"
    watcher = Watcher(src, out)
    try:
        watcher.wait_for(watcher.seen("watching"), "the first build")
        first = drawn.read_bytes()
        assert b"Minimal" in first

        source.write_text(MINIMAL.replace("title: Minimal", "title: Edited"), encoding="utf-8")
        watcher.wait_for(lambda: drawn.exists() and b"Edited" in drawn.read_bytes(),
                         "the edited output")

        broken = src / "broken.yaml"
        broken.write_text(MINIMAL.replace("title: Minimal\n", ""), encoding="utf-8")
        watcher.wait_for(watcher.seen(f"{broken}:1:1: E005"), "the broken file's findings")
        assert watcher.process.poll() is None

        source.unlink()
        watcher.wait_for(lambda: not drawn.exists(), "the deleted source's outputs to go")
    finally:
        code = watcher.interrupt()
    assert code == 0, watcher.lines
    assert watcher.lines[-1] == "stopped watching"
    assert not any("Traceback" in line or "KeyboardInterrupt" in line for line in watcher.lines), watcher.lines
