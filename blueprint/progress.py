"""Build progress: a rich progress bar on a terminal, plain lines otherwise."""
from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO


class Progress:
    """Plain lines: one per file built or failed; problems go to stderr."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        return None

    def start(self, total: int) -> None:
        """`total` files are about to be built."""

    def advance(self, line: str) -> None:
        """One file is done: `line` says what happened to it."""
        self.info(line)

    def info(self, text: str) -> None:
        _line(self.out, text)

    def problem(self, text: str) -> None:
        _line(self.err, text.rstrip("\n"))


def _line(stream: TextIO, text: str) -> None:
    """`text` and its newline in one write: a Ctrl-C between the two would leave half a line."""
    stream.write(text + "\n")
    stream.flush()


class BarProgress(Progress):
    """A rich progress bar on the terminal; lines about problems print above it."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), console=Console(file=sys.stdout),
                                transient=True)
        self.task = self.bar.add_task("", total=0, visible=False)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bar.stop()

    def start(self, total: int) -> None:
        """Show the bar (its refresh thread starts only now, after any worker processes are forked)."""
        self.bar.reset(self.task, total=total, visible=total > 0)
        self.bar.start()

    def advance(self, line: str) -> None:
        self.bar.update(self.task, advance=1, description=line)

    def info(self, text: str) -> None:
        self.bar.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def problem(self, text: str) -> None:
        self.bar.console.print(text.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)


def progress_for_terminal() -> Progress:
    """A bar when stdout is a terminal, plain lines otherwise."""
    return BarProgress() if sys.stdout.isatty() else Progress()
