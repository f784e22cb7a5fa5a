"""The one wall around external programs (Graphviz, git): a subprocess with a timeout, stderr kept."""
from __future__ import annotations

import os
import signal
import subprocess
from typing import NamedTuple


class Finished(NamedTuple):
    returncode: int           # negative: killed by that signal
    out: bytes
    err: str                  # stderr, decoded and stripped


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group of `process` and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def run_program(command: list[str], stdin: bytes | None, timeout: float) -> Finished:
    """Run `command` in a session of its own, feeding it `stdin`; on a timeout (subprocess.TimeoutExpired) or an
    interrupt its whole process group is killed first. OSError when it cannot be started."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(stdin, timeout=timeout)
    except BaseException:
        _kill(process)
        raise
    return Finished(process.returncode, out, err.decode("utf-8", "replace").strip())
