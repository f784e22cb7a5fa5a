"""The one place that runs Graphviz: `dot` in a subprocess with a timeout and clear errors."""
from __future__ import annotations

import shutil
import signal
import subprocess

from .external import run_program
from .findings import UsageError

INSTALL = "sudo apt-get install graphviz"
TIMEOUT_S = 120.0


def run_dot(source: str, fmt: str, args: tuple[str, ...] = (), timeout: float = TIMEOUT_S,
            program: str = "dot") -> bytes:
    """`source` laid out and drawn by Graphviz as `fmt` (svg, png, pdf, dot, json); the output bytes."""
    executable = shutil.which(program)
    if executable is None:
        raise UsageError(f"Graphviz `{program}` was not found on PATH; install it: {INSTALL}")
    command = [executable, f"-T{fmt}", *args]
    try:
        done = run_program(command, source.encode("utf-8"), timeout)
    except OSError as error:
        raise UsageError(f"cannot run Graphviz `{executable}`: {error}; reinstall it: {INSTALL}") from error
    except subprocess.TimeoutExpired:
        raise UsageError(f"Graphviz took longer than {timeout:g} s and was stopped; "
                         "the picture is too large for one page, split it by stage") from None
    message = done.err
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise UsageError(f"Graphviz crashed ({name}) drawing {fmt}" + (f": {message}" if message else ""))
    if done.returncode != 0 or not done.out:
        raise UsageError(f"Graphviz failed (exit {done.returncode}) drawing {fmt}"
                         + (f": {message}" if message else ""))
    return done.out
