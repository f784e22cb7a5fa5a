"""`blueprint watch` for real: a subprocess, real file events, real `dot`, then Ctrl-C."""
from __future__ import annotations

from pathlib import Path

from support import MINIMAL, Running


class Watcher(Running):
    """A running `blueprint watch`."""

    def __init__(self, src: Path, out: Path) -> None:
        super().__init__("watch", src, "-o", out, "-j1")


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
        watcher.wait_for(watcher.seen(" 2 removed in "), "that rebuild to finish")   # Ctrl-C on an idle watch
    finally:
        code = watcher.interrupt()
    assert code == 0, watcher.lines
    assert watcher.lines[-1] == "stopped watching"
    assert not any("Traceback" in line or "KeyboardInterrupt" in line for line in watcher.lines), watcher.lines
