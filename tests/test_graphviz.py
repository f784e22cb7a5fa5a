"""Running Graphviz: output, errors with stderr, a missing `dot`, crashes, timeouts and interrupts."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from blueprint.findings import UsageError
from blueprint.graphviz import run_dot

from support import alive, fake_dot


def test_renders_svg() -> None:
    out = run_dot('digraph { a -> b }', "svg")
    assert out.startswith(b"<?xml") and b"</svg>" in out


def test_syntax_error_carries_graphviz_stderr() -> None:
    with pytest.raises(UsageError, match="syntax error"):
        run_dot("digraph { a -> ", "svg")


def test_missing_dot_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError, match="sudo apt-get install graphviz") as error:
        run_dot("digraph {}", "svg")
    assert error.value.exit_code == 2


def test_crash_is_reported_as_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path, 'echo "about to fail" >&2\nkill -SEGV $$\n')
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(UsageError, match=r"crashed \(SIGSEGV\).*about to fail"):
        run_dot("digraph {}", "svg")


def test_timeout_kills_the_whole_process_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pidfile = tmp_path / "child.pid"
    fake_dot(tmp_path, f"sleep 60 &\necho $! > {pidfile}\nwait\n")
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    start = time.monotonic()
    with pytest.raises(UsageError, match="split it by stage"):
        run_dot("digraph {}", "svg", timeout=1.0)
    assert time.monotonic() - start < 10
    time.sleep(0.2)
    assert not alive(int(pidfile.read_text())), "the grandchild survived the timeout"


def test_interrupt_kills_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pidfile = tmp_path / "child.pid"
    fake_dot(tmp_path, f"sleep 60 &\necho $! > {pidfile}\nwait\n")
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_dot("digraph {}", "svg", timeout=30)
    finally:
        timer.cancel()
    time.sleep(0.2)
    assert not alive(int(pidfile.read_text())), "Graphviz survived the interrupt"
