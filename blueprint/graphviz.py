"""The one place that runs Graphviz: `dot` in a subprocess with a timeout and clear errors."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess

from .findings import UsageError

INSTALL = "sudo apt-get install graphviz"
TIMEOUT_S = 120.0


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group of `process` and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def run_dot(source: str, fmt: str, args: tuple[str, ...] = (), timeout: float = TIMEOUT_S,
            program: str = "dot") -> bytes:
    """`source` laid out and drawn by Graphviz as `fmt` (svg, png, pdf, dot, json); the output bytes."""
    executable = shutil.which(program)
    if executable is None:
        raise UsageError(f"Graphviz `{program}` was not found on PATH; install it: {INSTALL}")
    command = [executable, f"-T{fmt}", *args]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        raise UsageError(f"cannot run Graphviz `{executable}`: {error}; reinstall it: {INSTALL}") from error
    try:
        out, err = process.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise UsageError(f"Graphviz took longer than {timeout:g} s and was stopped; "
                         "the picture is too large for one page, split it by stage") from None
    except BaseException:
        _kill(process)
        raise
    message = err.decode("utf-8", "replace").strip()
    if process.returncode < 0:
        name = signal.Signals(-process.returncode).name
        raise UsageError(f"Graphviz crashed ({name}) drawing {fmt}" + (f": {message}" if message else ""))
    if process.returncode != 0 or not out:
        raise UsageError(f"Graphviz failed (exit {process.returncode}) drawing {fmt}"
                         + (f": {message}" if message else ""))
    return out
