"""The build manifests in OUT: which outputs each source made, from which content, options and version."""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from .findings import UsageError
from .oneline import one_line
from .outputs import FORMATS, VIEWS
from .write import write_atomic

MANIFEST_NAME = ".blueprint-manifest.json"
# A shard's manifest, `.blueprint-manifest.2-of-4.json`: the shards of one build merge by copying their OUTs together.
_SHARD_MANIFEST = re.compile(r"\.blueprint-manifest\.([1-9]\d{0,5})-of-([1-9]\d{0,5})\.json")
LOCK_NAME = ".blueprint.lock"
SCHEMA = 1
MAX_MANIFEST_BYTES = 256 << 20       # a manifest of 100,000 sources is about 60 MiB
_SHA256 = re.compile(r"[0-9a-f]{64}")
# The only names a build writes, so the only names a manifest may ask it to delete.
_OUTPUT = re.compile(rf"[^/]+\.(({'|'.join(VIEWS)})\.({'|'.join(FORMATS)})|report\.pdf)")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Shard:
    """The I-th of N disjoint parts of a build (1/1 is the whole build)."""

    index: int = 1
    count: int = 1

    @property
    def manifest_name(self) -> str:
        return MANIFEST_NAME if self.count == 1 else f".blueprint-manifest.{self.index}-of-{self.count}.json"

    def owns(self, source: str) -> bool:
        """Whether the source at this path relative to SRC is in this shard: a hash of the path alone, so
        a file stays in its shard however many files come and go."""
        if self.count == 1:
            return True
        digest = hashlib.sha256(source.encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(digest[:8], "big") % self.count + 1 == self.index


WHOLE = Shard()                      # the whole build, unsharded


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


class HostileManifest(Exception):
    """A manifest that is not one a build wrote: it is ignored as a whole."""


def _output(item: object) -> Output:
    """One recorded output, refused unless it names a file a build writes, inside OUT, with a size and sha256."""
    fields = item if isinstance(item, dict) else {}
    path, size, digest = fields.get("path"), fields.get("size"), fields.get("sha256")
    if not (isinstance(path, str) and _safe_relative(path) and _OUTPUT.fullmatch(PurePosixPath(path).name)):
        raise HostileManifest(f"{path!r} is not a file a build writes")
    if type(size) is not int or size < 0 or not (isinstance(digest, str) and _SHA256.fullmatch(digest)):
        raise HostileManifest(f"bad size or sha256 for {path!r}")
    return Output(path, size, digest)


def _entry(name: object, item: object) -> Entry:
    """One manifest entry, refused unless it is what a build writes."""
    if not isinstance(name, str) or not isinstance(item, dict) or not _safe_relative(name):
        raise HostileManifest(f"bad source name {name!r}")
    source, options, version, outputs = (item.get(key) for key in ("source", "options", "version", "outputs"))
    if not (isinstance(source, str) and isinstance(options, str) and isinstance(version, str)
            and isinstance(outputs, list)):
        raise HostileManifest(f"bad entry for {name!r}")
    return Entry(source, options, version, tuple(_output(output) for output in outputs))


@dataclass
class Manifest:
    """Entries by source path relative to SRC; only what is listed here is ever deleted."""

    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest in file `path`; HostileManifest when it is malformed or asks for what no build does."""
        try:
            if path.is_symlink() or not path.is_file():
                raise HostileManifest("not a regular file")      # a link to /dev/zero must not be read
            if path.stat().st_size > MAX_MANIFEST_BYTES:
                raise HostileManifest(f"larger than {MAX_MANIFEST_BYTES >> 20} MiB")
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError) as error:
            raise HostileManifest(f"unreadable ({error})") from None
        if not isinstance(data, dict) or data.get("manifest") != SCHEMA or not isinstance(data.get("files"), dict):
            raise HostileManifest(f"not a version {SCHEMA} manifest")
        manifest = cls({name: _entry(name, item) for name, item in data["files"].items()})
        paths = [output.path for entry in manifest.entries.values() for output in entry.outputs]
        if len(paths) != len(set(paths)):
            raise HostileManifest("two entries claim one output")
        return manifest

    def to_json(self) -> str:
        files = {name: {"source": e.source, "options": e.options, "version": e.version,
                        "outputs": [{"path": o.path, "size": o.size, "sha256": o.sha256} for o in e.outputs]}
                 for name, e in sorted(self.entries.items())}
        text = json.dumps({"manifest": SCHEMA, "files": files}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:      # a file name that is not UTF-8 (a lone surrogate): only \u escapes can say it
            text = json.dumps({"manifest": SCHEMA, "files": files}, indent=1, sort_keys=True) + "\n"
        return text


@dataclass
class Manifests:
    """Every manifest in OUT (the whole build's and each shard's), read together.

    Copying the OUTs of several shards (or an old whole build and new shards) together can leave two
    entries for one source; each is a candidate: a source is current when one of them matches, and an
    output is deleted only when its bytes are still those one of them recorded.
    """

    out: Path
    files: dict[str, Manifest] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, out: Path) -> Manifests:
        """The manifests in `out`; a malformed or hostile one is treated as empty, with a warning."""
        manifests = cls(out)
        try:
            names = sorted(path.name for path in out.iterdir() if path.name == MANIFEST_NAME
                           or _shard_of(path.name) is not None)
        except OSError:
            return manifests
        for name in names:
            shard = _shard_of(name) or WHOLE
            try:
                manifest = Manifest.read(out / name)
                strays = [source for source in manifest.entries if not shard.owns(source)]
                if strays:
                    raise HostileManifest(f"{strays[0]!r} is not in shard {shard.index} of {shard.count}")
            except HostileManifest as error:
                manifests.warnings.append(one_line(f"ignoring {out / name}: {error}; treated as empty"))
                manifest = Manifest()
            manifests.files[name] = manifest
        return manifests

    def candidates(self, source: str) -> list[Entry]:
        """Every entry for `source`, in the order of the manifests' file names."""
        return [manifest.entries[source] for manifest in self.files.values() if source in manifest.entries]

    def sources(self) -> set[str]:
        return {source for manifest in self.files.values() for source in manifest.entries}

    def recorded(self, sources: Iterable[str]) -> dict[str, set[tuple[int, str]]]:
        """Each output path the entries of `sources` name, with every (size, sha256) recorded for it."""
        found: dict[str, set[tuple[int, str]]] = {}
        for source in sources:
            for entry in self.candidates(source):
                for output in entry.outputs:
                    found.setdefault(output.path, set()).add((output.size, output.sha256))
        return found

    def save(self, shard: Shard, entries: dict[str, Entry]) -> None:
        """Write the shard's manifest with `entries` (the shard's sources); drop those sources from the others.

        Another manifest left empty (or ignored as hostile) is deleted, and so is this shard's when it has
        no entries; the whole build's is always written. Nothing is rewritten that did not change.
        """
        own = shard.manifest_name
        for name, manifest in self.files.items():
            if name == own:
                continue
            kept = {source: entry for source, entry in manifest.entries.items() if not shard.owns(source)}
            if not kept:
                _unlink(self.out / name)
            elif len(kept) != len(manifest.entries):
                write_atomic(self.out / name, Manifest(kept).to_json())
        if entries or own == MANIFEST_NAME:
            write_atomic(self.out / own, Manifest(entries).to_json())
        else:
            _unlink(self.out / own)


def _unlink(path: Path) -> None:
    """Delete a file (or a symlink, never its target) if there is one; a folder of that name is left alone."""
    try:
        if path.is_symlink() or path.is_file():
            path.unlink()
    except OSError as error:
        raise UsageError(f"cannot remove: {error.strerror or error}", file=str(path)) from None


def _shard_of(name: str) -> Shard | None:
    match = _SHARD_MANIFEST.fullmatch(name)
    if match is None or int(match[1]) > int(match[2]):
        return None
    return Shard(int(match[1]), int(match[2]))


def _safe_relative(relative: str) -> bool:
    posix = PurePosixPath(relative)
    return bool(relative) and not posix.is_absolute() and ".." not in posix.parts and "\\" not in relative \
        and "\x00" not in relative and posix.name not in ("", ".")


def inside(out: Path, relative: str) -> Path | None:
    """`out / relative` when it stays inside `out` (no `..`, no absolute path, no symlinked folder leading out)."""
    posix = PurePosixPath(relative)
    if not _safe_relative(relative) or posix.name in (MANIFEST_NAME, LOCK_NAME) or _shard_of(posix.name) is not None:
        return None
    root = out.resolve()
    target = out.joinpath(*posix.parts)
    parent = target.parent.resolve()
    if parent != root and root not in parent.parents:
        return None
    return target


def file_digest(path: Path) -> tuple[int, str] | None:
    """(size, sha256) of a regular file that is not a symlink; None for anything else."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return len(data), sha256(data)


def remove_output(out: Path, relative: str, recorded: set[tuple[int, str]]) -> Literal["removed", "edited", "absent"]:
    """Delete one output the manifest lists when its bytes are still what a build recorded, and folders it
    leaves empty; never anything outside `out`. Says what happened: "removed", "edited" (kept) or "absent"."""
    target = inside(out, relative)
    if target is None:
        return "absent"
    found = file_digest(target)
    if found is None:
        return "edited" if target.is_symlink() or target.exists() else "absent"
    if found not in recorded:
        return "edited"
    _unlink(target)
    root = out.resolve()
    folder = target.parent
    while folder.resolve() != root and not folder.is_symlink():
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
    return "removed"


def current_entry(candidates: list[Entry], out: Path, source: str, options: str, version: str,
                  expected: tuple[str, ...]) -> Entry | None:
    """The candidate that matches this content, options and version with its outputs all in place, or None.

    With one candidate, outputs are checked by size (a hand edit that keeps the size is not seen); with
    several, the outputs' bytes must be the chosen one's.
    """
    for entry in candidates:
        if (entry.source, entry.options, entry.version) != (source, options, version):
            continue
        if tuple(output.path for output in entry.outputs) != expected:
            continue
        if all(_in_place(out, output, by_hash=len(candidates) > 1) for output in entry.outputs):
            return entry
    return None


def _in_place(out: Path, output: Output, by_hash: bool) -> bool:
    target = inside(out, output.path)
    if target is None:
        return False
    if by_hash:
        return file_digest(target) == (output.size, output.sha256)
    try:
        return not target.is_symlink() and os.stat(target).st_size == output.size
    except OSError:
        return False
