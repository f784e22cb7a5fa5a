"""Read a service file: bytes to plain data, with the line and column of every node."""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple

from .findings import Finding
from .model import Loc

try:
    from . import _compose as _compose_c  # type: ignore[attr-defined]  # C, built at install
except ImportError:  # pragma: no cover - built without a C compiler or libyaml's headers
    _compose_c = None

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 50
MAX_ALIAS_NODES = 100_000
MAX_INT_DIGITS = 30

Path = tuple[str | int, ...]


class SourcedInt(int):
    """An integer read from a plain scalar; it prints as the text as written (`007` stays `007`)."""

    source: str

    def __str__(self) -> str:
        return self.source

    __repr__ = __str__


class SourcedFloat(float):
    """A float read from a plain scalar; it prints as the text as written (`1.10` stays `1.10`)."""

    source: str

    def __str__(self) -> str:
        return self.source

    __repr__ = __str__


# A place is `line << COLUMN_BITS | column`, 0-based as libyaml counts (in characters): one int rather than
# a tuple, as a big file has a million of them. Columns stay below 2**24 as files stay below MAX_BYTES.
Place = int
COLUMN_BITS = 24
_COLUMN_MASK = (1 << COLUMN_BITS) - 1


class Locations(NamedTuple):
    """Where each value and each mapping key stands, by its path in the data.

    Places are kept 0-based as the parser gives them, and read as 1-based Locs only when asked:
    most are never asked for.
    """

    values: dict[Path, Place]
    keys: dict[Path, Place]

    def value(self, path: Path) -> Loc:
        """The value at `path`, or the nearest enclosing node that has a place."""
        found = self.values.get(path)
        end = len(path)
        while found is None and end > 0:
            end -= 1
            found = self.values.get(path[:end])
        return _loc(found) if found is not None else Loc(1, 1)

    def key(self, path: Path) -> Loc:
        """The key of the mapping entry at `path` (its value when it has no key)."""
        found = self.keys.get(path)
        return _loc(found) if found is not None else self.value(path)


def _loc(place: Place) -> Loc:
    return Loc((place >> COLUMN_BITS) + 1, (place & _COLUMN_MASK) + 1)


def _place(mark: Any) -> Place:
    return mark.line << COLUMN_BITS | mark.column


def _loc_after(before: str) -> Loc:
    """The 1-based place of the character that follows `before`, the text up to it."""
    return Loc(before.count("\n") + 1, len(before) - before.rfind("\n"))


class Loaded(NamedTuple):
    data: Any
    locations: Locations
    findings: list[Finding]


# What each composer may report, by kind: its code and its words ({0}, {1}: the finding's arguments).
PROBLEMS: dict[str, tuple[str, str]] = {
    "several_documents": ("E001", "the file holds several YAML documents; a service file is one document"),
    "too_deep": ("E001", f"the file nests deeper than {MAX_DEPTH} levels"),
    "no_anchor": ("E001", "alias *{0} refers to no anchor"),
    "self_alias": ("E004", "alias *{0} refers to a node that contains it"),
    "alias_bomb": ("E004", f"aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); "
                           "write the values out"),
    "key_not_text": ("E004", "a mapping key must be plain text"),
    "merge_key": ("E004", "merge keys (<<) are not supported; write the keys out"),
    "unexpected": ("E001", "unexpected YAML event {0}"),
    "tag": ("E004", "YAML tags are not allowed here ({0}); write the value plainly"),
    "duplicate_key": ("E002", "duplicate key '{0}' (first at line {1}); YAML would silently keep only one"),
    "control": ("E004", "control character U+{0:04X} is not allowed in text"),
}

# A composer's finding: kind, 0-based line and column, arguments. Kinds "syntax" (problem, context) and
# "reader" (byte offset, character, reason) carry what libyaml said.
Problem = tuple[str, int, int, tuple[Any, ...]]


class _Stop(Exception):
    """A problem after which the rest of the file cannot be read; `found` are the findings before it."""

    def __init__(self, kind: str, line: int, column: int, args: tuple[Any, ...], found: list[Problem]) -> None:
        super().__init__(kind)
        self.problem: Problem = (kind, line, column, args)
        self.found = found


def _finding(problem: Problem, file: str, text: str) -> Finding:
    kind, line, column, args = problem
    if kind == "reader":
        position, char, reason = args
        where = _loc_after(text.encode("utf-8")[:position].decode("utf-8", "replace"))  # libyaml counts bytes here
        return Finding(file, where.line, where.column, "E001",
                       f"character U+{char:04X} is not allowed in YAML ({reason})")
    if kind == "syntax":
        problem_text, context = args
        return Finding(file, line + 1, column + 1, "E001",
                       f"YAML syntax: {problem_text}" + (f" ({context})" if context else ""))
    code, words = PROBLEMS[kind]
    return Finding(file, line + 1, column + 1, code, words.format(*args))


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_OPENERS = str.maketrans("{}", "[]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPECIAL_START = "0123456789+-.~nNtTfF"  # the first characters of plain scalars that may be more than text
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


def _first_control(text: str) -> int | None:
    """The first character a double-quoted scalar may not hold, as a code point, or None."""
    found = _CONTROL.search(text)
    return ord(found.group()) if found else None


@lru_cache(maxsize=4096)  # files repeat their numbers and durations; the values are immutable, so shared
def resolve_plain(text: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema, so `no`, `on`, `12:30` stay text."""
    if text and text[0] not in _SPECIAL_START:
        return text
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
    brackets = _NOT_BRACKET.sub("", text).translate(_OPENERS)  # only brackets, in C speed
    # Pass k of removing "[]" removes the pairs nested k deep: no opener left after MAX_DEPTH passes, none deeper.
    reduced = brackets
    for _ in range(MAX_DEPTH):
        reduced, before_pass = reduced.replace("[]", ""), reduced
        if len(reduced) == len(before_pass):
            break
    if "[" not in reduced:
        return None
    depth = 0
    for index, char in enumerate(brackets):
        depth = depth + 1 if char == "[" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            start = next(islice(re.finditer(r"[\[\]{}]", text), index, None)).start()
            return _loc_after(text[:start])
    return None


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16/32 with a BOM."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    return raw.decode("utf-8")


def compose(text: str) -> tuple[Any, dict[Path, Place], dict[Path, Place], list[Problem]]:
    """Data, places of values and keys, problems: by the C composer when built, else from PyYAML's events."""
    if _compose_c is None:
        from .yaml_fallback import compose_events   # PyYAML costs 10 ms to import: only when needed

        return compose_events(text)
    return _compose_c.compose(text, resolve_plain, _SPECIAL_START, _first_control, _Stop, MAX_DEPTH, MAX_ALIAS_NODES)


def _refused_unparsed(text: str, file: str) -> Finding | None:
    """What is refused before a parser sees it: nesting that crashes libyaml, NUL bytes."""
    deep = _bracket_depth_error(text)
    if deep is not None:
        return Finding(file, deep.line, deep.column, "E001", f"the file nests deeper than {MAX_DEPTH} levels")
    if "\0" in text:
        nul = _loc_after(text[:text.index("\0")])
        return Finding(file, nul.line, nul.column, "E001", "the file contains a NUL byte; it is not a text file")
    return None


def load_text(text: str, file: str) -> Loaded:
    """Parse YAML text into data and locations; findings hold anything refused."""
    refused = _refused_unparsed(text, file)
    if refused is not None:
        return Loaded(None, Locations({}, {}), [refused])
    try:
        data, values, keys, found = compose(text)
        locations = Locations(values, keys)
    except _Stop as stop:
        data, locations, found = None, Locations({}, {}), stop.found + [stop.problem]
    return Loaded(data, locations, [_finding(problem, file, text) for problem in found])


def load_bytes(raw: bytes, file: str) -> Loaded:
    """Decode and parse a file's bytes."""
    if len(raw) > MAX_BYTES:
        return Loaded(None, Locations({}, {}), [Finding(
            file, 1, 1, "E004", f"the file is over the size limit of {MAX_BYTES // 2**20} MB")])
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        return Loaded(None, Locations({}, {}), [Finding(
            file, line, column, "E001", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")])
    return load_text(text, file)
