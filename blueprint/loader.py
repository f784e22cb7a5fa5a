"""Read a service file: bytes to plain data, with the line and column of every node."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from .findings import Finding
from .model import Loc

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = None

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 50
MAX_ALIAS_NODES = 100_000
MAX_INT_DIGITS = 30

Path = tuple[str | int, ...]


class SourcedInt(int):
    """An integer read from a plain scalar; `source` is the text as written."""

    source: str


class SourcedFloat(float):
    """A float read from a plain scalar; `source` is the text as written."""

    source: str


@dataclass
class Locations:
    """Where each value and each mapping key stands, by its path in the data."""

    values: dict[Path, Loc] = field(default_factory=dict)
    keys: dict[Path, Loc] = field(default_factory=dict)

    def value(self, path: Path) -> Loc:
        """The value at `path`, or the nearest enclosing node that has a place."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Loc(1, 1)

    def key(self, path: Path) -> Loc:
        """The key of the mapping entry at `path` (its value when it has no key)."""
        return self.keys.get(path) or self.value(path)


@dataclass
class Loaded:
    data: Any
    locations: Locations
    findings: list[Finding]


class _Stop(Exception):
    """A problem after which the rest of the file cannot be read."""

    def __init__(self, code: str, message: str, loc: Loc) -> None:
        super().__init__(message)
        self.code, self.message, self.loc = code, message, loc


def _loc(mark: Any) -> Loc:
    return Loc(mark.line + 1, mark.column + 1)


_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


def resolve_plain(text: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema, so `no`, `on`, `12:30` stay text."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    number: SourcedInt | SourcedFloat
    if _INT.fullmatch(text) or _OCT.fullmatch(text) or _HEX.fullmatch(text):
        if len(text) > MAX_INT_DIGITS:
            return text  # too long to be a number anyone means: numeric fields refuse it
        number = SourcedInt(int(text[2:], 8) if text.startswith("0o")
                            else int(text[2:], 16) if text.startswith("0x") else int(text))
    elif _FLOAT.fullmatch(text) or _INF.fullmatch(text) or _NAN.fullmatch(text):
        number = SourcedFloat(float(text.replace(".inf", "inf").replace(".Inf", "inf")
                                    .replace(".INF", "inf").replace(".nan", "nan")
                                    .replace(".NaN", "nan").replace(".NAN", "nan")))
    else:
        return text
    number.source = text
    return number


def _bracket_depth_error(text: str) -> Loc | None:
    """Where flow brackets nest deeper than MAX_DEPTH (checked before libyaml sees them)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            before = text[:match.start()]
            line = before.count("\n") + 1
            return Loc(line, match.start() - (before.rfind("\n") + 1) + 1)
    return None


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16/32 with a BOM."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    return raw.decode("utf-8")


class _Composer:
    """Builds plain data from parser events, keeping positions; refuses what YAML allows but we don't."""

    def __init__(self, parser: Any, file: str) -> None:
        self.parser = parser
        self.file = file
        self.locations = Locations()
        self.findings: list[Finding] = []
        self.anchors: dict[str, tuple[Any, int] | None] = {}
        self.alias_nodes = 0

    def finding(self, code: str, message: str, loc: Loc) -> None:
        self.findings.append(Finding(self.file, loc.line, loc.column, code, message))

    def document(self) -> Any:
        parser = self.parser
        parser.get_event()  # stream start
        if isinstance(parser.peek_event(), StreamEndEvent):
            return None
        parser.get_event()  # document start
        data, _ = self.node((), 0)
        parser.get_event()  # document end
        event = parser.peek_event()
        if isinstance(event, DocumentStartEvent):
            raise _Stop("E001", "the file holds several YAML documents; a service file is one document",
                        _loc(event.start_mark))
        return data

    def node(self, path: Path, depth: int) -> tuple[Any, int]:
        """The data of the next node and its size in nodes."""
        event = self.parser.get_event()
        loc = _loc(event.start_mark)
        if depth > MAX_DEPTH:
            raise _Stop("E001", f"the file nests deeper than {MAX_DEPTH} levels", loc)
        self.locations.values[path] = loc
        if isinstance(event, AliasEvent):
            return self.alias(event, loc)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            self.finding("E004", f"YAML tags are not allowed here ({tag}); write the value plainly", loc)
        anchor = event.anchor
        if anchor is not None:
            self.anchors[anchor] = None  # in progress: an alias to it now would be self-referencing
        if isinstance(event, ScalarEvent):
            data: Any = resolve_plain(event.value) if not event.style and tag is None else event.value
            size = 1
        elif isinstance(event, SequenceStartEvent):
            data, size = [], 1
            while not isinstance(self.parser.peek_event(), SequenceEndEvent):
                item, item_size = self.node(path + (len(data),), depth + 1)
                data.append(item)
                size += item_size
            self.parser.get_event()
        elif isinstance(event, MappingStartEvent):
            data, size = self.mapping(path, depth)
        else:  # pragma: no cover - the parser yields nothing else here
            raise _Stop("E001", f"unexpected YAML event {type(event).__name__}", loc)
        if anchor is not None:
            self.anchors[anchor] = (data, size)
        return data, size

    def alias(self, event: AliasEvent, loc: Loc) -> tuple[Any, int]:
        if event.anchor not in self.anchors:
            raise _Stop("E001", f"alias *{event.anchor} refers to no anchor", loc)
        target = self.anchors[event.anchor]
        if target is None:
            raise _Stop("E004", f"alias *{event.anchor} refers to a node that contains it", loc)
        data, size = target
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise _Stop("E004", f"aliases expand to more than {MAX_ALIAS_NODES} nodes "
                        "(an alias bomb?); write the values out", loc)
        return data, size

    def mapping(self, path: Path, depth: int) -> tuple[dict[str, Any], int]:
        data: dict[str, Any] = {}
        size = 1
        while not isinstance(self.parser.peek_event(), MappingEndEvent):
            key_event = self.parser.get_event()
            key_loc = _loc(key_event.start_mark)
            if not isinstance(key_event, ScalarEvent):
                raise _Stop("E004", "a mapping key must be plain text", key_loc)
            key = key_event.value
            if key == "<<" and not key_event.style:
                raise _Stop("E004", "merge keys (<<) are not supported; write the keys out", key_loc)
            if key in data:
                first = self.locations.keys[path + (key,)]
                self.finding("E002", f"duplicate key '{key}' (first at line {first.line}); "
                             "YAML would silently keep only one", key_loc)
                _, skipped = self.node(path + ("\0dup",), depth + 1)
                size += skipped
                continue
            self.locations.keys[path + (key,)] = key_loc
            value, value_size = self.node(path + (key,), depth + 1)
            data[key] = value
            size += value_size + 1
        self.parser.get_event()
        return data, size


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """The pure-Python parser, used where libyaml is missing."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def load_text(text: str, file: str) -> Loaded:
    """Parse YAML text into data and locations; findings hold anything refused."""
    composer = None
    try:
        deep = _bracket_depth_error(text)
        if deep is not None:
            raise _Stop("E001", f"the file nests deeper than {MAX_DEPTH} levels", deep)
        if "\0" in text:
            before = text[:text.index("\0")]
            raise _Stop("E001", "the file contains a NUL byte; it is not a text file",
                        Loc(before.count("\n") + 1, len(before) - before.rfind("\n")))
        parser = _Parser(text) if _Parser is not None else _PyParser(text)
        composer = _Composer(parser, file)
        data = composer.document()
    except _Stop as stop:
        findings = (composer.findings if composer else [])
        return Loaded(None, Locations(), findings + [Finding(file, stop.loc.line, stop.loc.column,
                                                             stop.code, stop.message)])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(mark) if mark is not None else Loc(1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        return Loaded(None, Locations(), [Finding(file, loc.line, loc.column, "E001",
                                                  f"YAML syntax: {problem}{context}")])
    except yaml.YAMLError as exc:
        return Loaded(None, Locations(), [Finding(file, 1, 1, "E001", f"YAML syntax: {exc}")])
    return Loaded(data, composer.locations, composer.findings)


def load_bytes(raw: bytes, file: str) -> Loaded:
    """Decode and parse a file's bytes."""
    if len(raw) > MAX_BYTES:
        return Loaded(None, Locations(), [Finding(
            file, 1, 1, "E004", f"the file is {len(raw) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")])
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        return Loaded(None, Locations(), [Finding(
            file, line, column, "E001", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")])
    return load_text(text, file)
