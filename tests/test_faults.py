"""Faults through the real command line: a full disk, a killed or interrupted render, Graphviz missing or crashing.

After every fault the old output is byte-identical and no temp file is left behind.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from blueprint.findings import UsageError
from blueprint.write import write_atomic

from support import BLUEPRINT, SAMPLES, alive, fake_dot, run_cli

SOURCE = SAMPLES / "hotel-stay.yaml"
OLD = {"hotel-stay.blueprint.svg": b"<svg>old blueprint</svg>", "hotel-stay.journey.svg": b"<svg>old journey</svg>"}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder that already holds an earlier render."""
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    return folder


def assert_untouched(folder: Path) -> None:
    """The old outputs as they were, nothing else: no temp file, no half file."""
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == OLD


def _env_with_path(path: str) -> dict[str, str]:
    return {**os.environ, "PATH": path}


def _blueprint(*args: str | Path, env: dict[str, str] | None = None,
               limit_file_size: int | None = None) -> subprocess.Popen[str]:
    def limit() -> None:  # in the child only: writes past this many bytes fail with EFBIG
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))
    return subprocess.Popen([str(BLUEPRINT), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=limit)


def test_a_full_disk_while_writing_an_output_is_exit_2_and_keeps_the_old_file(out: Path) -> None:
    process = _blueprint("render", SOURCE, "-o", out, limit_file_size=4096)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2 and "Traceback" not in stderr
    assert "cannot write: File too large" in stderr
    assert_untouched(out)


@pytest.mark.parametrize("command", [("check", SOURCE), ("metrics", SOURCE, "--format", "json"), ("schema",)])
def test_standard_output_on_a_full_device_is_exit_2(command: tuple[str | Path, ...]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = subprocess.run([str(BLUEPRINT), *map(str, command)], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "cannot write output: No space left on device" in result.stderr


def test_an_output_linked_to_dev_full_is_replaced_not_written_through(out: Path) -> None:
    target = out / "hotel-stay.blueprint.svg"
    target.unlink()
    target.symlink_to("/dev/full")
    result = run_cli("render", SOURCE, "--view", "blueprint", "-o", out)
    assert result.returncode == 0, result.stderr
    assert not target.is_symlink() and target.read_bytes().startswith(b"<?xml")
    assert Path("/dev/full").is_char_device()


def test_dev_full_as_the_output_folder_is_exit_2() -> None:
    result = run_cli("render", SOURCE, "-o", "/dev/full")
    assert result.returncode == 2 and "-o must be a folder" in result.stderr


def test_write_atomic_into_a_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"old")
    with pytest.raises(UsageError, match="is not a folder") as error:
        write_atomic(blocker / "out.svg", b"new")
    assert error.value.exit_code == 2
    assert blocker.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["file"]


def test_write_atomic_cleans_up_after_a_failed_write(tmp_path: Path) -> None:
    target = tmp_path / "out.svg"
    target.write_bytes(b"old")
    script = (f"import resource\nfrom pathlib import Path\nfrom blueprint.write import write_atomic\n"
              f"resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))\n"
              f"write_atomic(Path({str(target)!r}), b'x' * 100_000)\n")
    result = subprocess.run([str(BLUEPRINT.parent / "python"), "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "cannot write: File too large" in result.stderr
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.svg"]


def test_the_next_write_removes_temp_files_a_killed_run_left(tmp_path: Path) -> None:
    target = tmp_path / "a [1]*.svg"   # glob characters in the name match only themselves
    left = tmp_path / ".a [1]*.svg.k1ll3d.tmp"       # what SIGKILL between mkstemp and os.replace leaves
    live = tmp_path / ".a [1]*.svg.wr1t1ng.tmp"      # another run's write in progress
    other = tmp_path / ".a [1]x.svg.0ld.tmp"         # another target's
    for temp in (left, live, other):
        temp.write_bytes(b"half")
    an_hour_ago = time.time() - 3600
    for temp in (left, other):
        os.utime(temp, (an_hour_ago, an_hour_ago))
    assert write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])


def _hanging_dot(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `dot` that records its pid and hangs; the env that puts it first on PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    pidfile = tmp_path / "dot.pid"
    fake_dot(folder, f"echo $$ > {pidfile}\nexec sleep 60\n")
    return _env_with_path(f"{folder}:{os.environ['PATH']}"), pidfile


def _wait_for(path: Path, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


def test_ctrl_c_during_a_render_stops_graphviz_and_keeps_the_old_output(tmp_path: Path, out: Path) -> None:
    env, pidfile = _hanging_dot(tmp_path)
    process = _blueprint("render", SOURCE, "-o", out, env=env)
    dot_pid = _wait_for(pidfile)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr
    time.sleep(0.2)
    assert not alive(dot_pid), "Graphviz outlived the interrupted render"
    assert_untouched(out)


def test_a_killed_render_leaves_the_old_output(tmp_path: Path, out: Path) -> None:
    env, pidfile = _hanging_dot(tmp_path)
    process = _blueprint("render", SOURCE, "-o", out, env=env)
    dot_pid = _wait_for(pidfile)
    process.kill()
    process.communicate(timeout=30)
    try:
        assert process.returncode == -signal.SIGKILL
        assert_untouched(out)
    finally:
        if alive(dot_pid):  # a SIGKILLed parent cannot stop its child: we do, by its pid
            os.kill(dot_pid, signal.SIGKILL)


def test_a_render_killed_at_any_moment_leaves_old_or_new_files_never_half(tmp_path: Path, out: Path) -> None:
    fresh = tmp_path / "fresh"
    assert run_cli("render", SOURCE, "-o", fresh).returncode == 0
    new = {path.name: path.read_bytes() for path in fresh.iterdir()}
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8):
        process = _blueprint("render", SOURCE, "-o", out)
        time.sleep(delay)
        process.kill()
        process.communicate(timeout=30)
        for path in out.iterdir():
            if path.name.endswith(".tmp"):  # SIGKILL between create and rename: a hidden temp, never the output
                assert path.name.startswith(".hotel-stay.")
                path.unlink()
                continue
            assert path.read_bytes() in (OLD[path.name], new[path.name]), path.name
        for name, data in OLD.items():
            (out / name).write_bytes(data)


def test_no_dot_on_path_is_exit_2_with_the_install_command(tmp_path: Path, out: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    process = _blueprint("render", SOURCE, "-o", out, env=_env_with_path(str(empty)))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "Traceback" not in stderr
    assert "not found on PATH" in stderr and "apt-get install graphviz" in stderr
    assert_untouched(out)


def test_no_dot_is_no_problem_for_dot_output(tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    process = _blueprint("render", SOURCE, "-f", "dot", "-o", tmp_path / "out", env=_env_with_path(str(empty)))
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert (tmp_path / "out" / "hotel-stay.blueprint.dot").read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize("script, expected", [
    ('echo "Error: trouble in layout" >&2\nkill -SEGV $$\n', "crashed (SIGSEGV)"),
    ('echo "Error: trouble in layout" >&2\nkill -ABRT $$\n', "crashed (SIGABRT)"),
    ('echo "Error: trouble in layout" >&2\nexit 3\n', "failed (exit 3)"),
    ('cat > /dev/null\necho "Error: trouble in layout" >&2\n', "failed (exit 0)"),
])
def test_a_graphviz_crash_is_exit_2_with_its_stderr(tmp_path: Path, out: Path, script: str, expected: str) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    fake_dot(folder, script)
    process = _blueprint("render", SOURCE, "-o", out, env=_env_with_path(f"{folder}:{os.environ['PATH']}"))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "Traceback" not in stderr
    assert expected in stderr and "trouble in layout" in stderr
    assert_untouched(out)


def test_an_unchanged_output_is_not_rewritten(tmp_path: Path) -> None:
    assert run_cli("render", SOURCE, "-f", "dot", "-o", tmp_path).returncode == 0
    target = tmp_path / "hotel-stay.blueprint.dot"
    before = target.stat()
    time.sleep(0.01)
    assert run_cli("render", SOURCE, "-f", "dot", "-o", tmp_path).returncode == 0
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("error", ["ZeroDivisionError()", "PermissionError(13, 'denied')"])
def test_a_real_bug_still_shows_its_traceback(error: str) -> None:
    script = (f"import sys\nimport blueprint.api\n"
              f"def broken(*args, **kwargs):\n    raise {error}\n"
              f"blueprint.api.check_file = broken\n"
              f"from blueprint.cli import main\nsys.argv = ['blueprint', 'check', {str(SOURCE)!r}]\nmain()\n")
    result = subprocess.run([str(BLUEPRINT.parent / "python"), "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and error.split("(")[0] in result.stderr
