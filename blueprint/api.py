"""The small public API the CLI stands on: load and check files, measure, find service files."""
from __future__ import annotations

import gc
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .findings import BlueprintError, Finding, Severity, UsageError
from .loader import MAX_BYTES, load_bytes
from .model import Service
from .rules import flags
from .semantics import build_service
from .validate import validate

SERVICE_SUFFIXES = (".yaml", ".yml")
_TOP_LEVEL_KEY = re.compile(rb"^blueprint[ \t]*:", re.MULTILINE)


class Document(NamedTuple):
    """One checked file: the service (None when invalid) and every finding, in file order."""

    file: str
    service: Service | None
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return self.service is not None

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that make the file invalid (E codes)."""
        return tuple(f for f in self.findings if f.code.startswith("E"))

    def fails(self, strict: bool) -> bool:
        """Whether this file makes a run fail: an invalid file, or under --strict any warning."""
        if not self.valid:
            return True
        return strict and any(f.severity is not Severity.INFO for f in self.findings)


def check_bytes(raw: bytes, file: str, strict: bool = False) -> Document:
    """Load, validate, build and flag one file's content; never raises for bad input."""
    # The checks make many small objects and no reference cycles: collecting midway only costs time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(raw, file, strict)
    finally:
        if collecting:
            gc.enable()


def _check(raw: bytes, file: str, strict: bool) -> Document:
    loaded = load_bytes(raw, file)
    findings = list(loaded.findings)
    service = None
    if not findings:
        validated = validate(loaded.data, loaded.locations, file)
        findings += validated.findings
        if validated.spec is not None:
            built, semantic = build_service(validated.spec, validated, loaded.locations, file)
            findings += semantic
            if not findings:
                service = built
                findings += flags(service, file, strict)
    return Document(file, service, tuple(sorted(findings, key=lambda f: f.sort_key)))


def read_source(path: Path) -> bytes:
    """A file's bytes, or a usage error (exit 2) that says why not.

    At most one byte past the size cap is read: a bigger file (or /dev/zero) is refused, never read whole.
    """
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise UsageError("is a directory", file=str(path)) from None
    except FileNotFoundError:
        raise UsageError("no such file", file=str(path)) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def check_file(path: Path, strict: bool = False) -> Document:
    return check_bytes(read_source(path), str(path), strict)


def load_service(path: Path | str) -> Service:
    """The service in a valid file; raises BlueprintError at the first error otherwise."""
    document = check_file(Path(path))
    if document.service is None:
        first = document.errors[0]
        raise BlueprintError(first.message, first.file, first.line, first.column, first.code)
    return document.service


def is_service_file(path: Path) -> bool:
    """A YAML file with a top-level `blueprint:` key."""
    if path.suffix not in SERVICE_SUFFIXES or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            return bool(_TOP_LEVEL_KEY.search(handle.read(1 << 20)))
    except OSError:
        return False


def find_service_files(folder: Path) -> list[Path]:
    """Every service file below `folder`, in a stable order; hidden folders are skipped."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts[:-1]):
            continue
        if is_service_file(path):
            found.append(path)
    return found


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders replaced by the service files below them."""
    result: list[Path] = []
    for path in paths:
        if path.is_dir():
            result += find_service_files(path)
        elif not path.exists():
            raise UsageError("no such file or directory", file=str(path))
        else:
            result.append(path)
    return result
