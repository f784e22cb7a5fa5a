"""The build manifest in OUT: which outputs each source made, from which content, options and version."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .write import write_atomic

MANIFEST_NAME = ".blueprint-manifest.json"
SCHEMA = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Output:
    """One written file: its path relative to OUT (POSIX), size and sha256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Entry:
    """What one source (by its path relative to SRC) last built successfully."""

    source: str
    options: str
    version: str
    outputs: tuple[Output, ...]


@dataclass
class Manifest:
    """Entries by source path relative to SRC; only what is listed here is ever deleted."""

    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """The manifest in `out`; an absent or unreadable one is empty (everything is rebuilt)."""
        try:
            data = json.loads((out / MANIFEST_NAME).read_bytes())
            files = data["files"] if data.get("manifest") == SCHEMA else {}
            return cls({name: Entry(item["source"], item["options"], item["version"],
                                    tuple(Output(o["path"], int(o["size"]), o["sha256"]) for o in item["outputs"]))
                        for name, item in files.items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def to_json(self) -> str:
        files = {name: {"source": e.source, "options": e.options, "version": e.version,
                        "outputs": [{"path": o.path, "size": o.size, "sha256": o.sha256} for o in e.outputs]}
                 for name, e in sorted(self.entries.items())}
        return json.dumps({"manifest": SCHEMA, "files": files}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def save(self, out: Path) -> bool:
        """Write atomically; False when the file already held exactly this manifest."""
        return write_atomic(out / MANIFEST_NAME, self.to_json())

    def claimed(self) -> set[str]:
        return {output.path for entry in self.entries.values() for output in entry.outputs}


def inside(out: Path, relative: str) -> Path | None:
    """`out / relative` when it stays inside `out` (no `..`, no absolute path, no symlinked folder leading out)."""
    posix = PurePosixPath(relative)
    if (not relative or posix.is_absolute() or ".." in posix.parts or "\\" in relative
            or posix.name in ("", ".", MANIFEST_NAME)):
        return None
    root = out.resolve()
    target = out.joinpath(*posix.parts)
    parent = target.parent.resolve()
    if parent != root and root not in parent.parents:
        return None
    return target


def remove_output(out: Path, relative: str) -> bool:
    """Delete one output listed in the manifest, and folders it leaves empty; never anything outside `out`."""
    target = inside(out, relative)
    if target is None or not (target.is_symlink() or target.is_file()):
        return False
    target.unlink()
    root = out.resolve()
    folder = target.parent
    while folder.resolve() != root and not folder.is_symlink():
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
    return True


def is_current(entry: Entry | None, out: Path, source: str, options: str, version: str,
               expected: tuple[str, ...]) -> bool:
    """Whether `entry` matches this content, options and version and its outputs are all in place."""
    if entry is None or (entry.source, entry.options, entry.version) != (source, options, version):
        return False
    if tuple(output.path for output in entry.outputs) != expected:
        return False
    for output in entry.outputs:
        target = inside(out, output.path)
        try:
            if target is None or target.is_symlink() or os.stat(target).st_size != output.size:
                return False
        except OSError:
            return False
    return True
