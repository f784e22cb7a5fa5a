"""The loader's fallback where the C composer (_compose.c) was not built: PyYAML's events composed into plain data
and places, with the same refusals."""
from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from .loader import (MAX_ALIAS_NODES, MAX_DEPTH, Path, Place, Problem, _first_control, _loc, _place, _Stop,
                     resolve_plain)

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = None  # type: ignore[misc, assignment]


class _Composer:
    """Builds plain data from parser events, keeping places; refuses what YAML allows but we don't.

    The fallback where the C composer (_compose.c, which does the same, faster) was not built.
    """

    def __init__(self, parser: Any) -> None:
        self.get_event = parser.get_event
        self.peek_event = parser.peek_event
        self.values: dict[Path, Place] = {}
        self.keys: dict[Path, Place] = {}
        self.found: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int] | None] = {}
        self.nodes = 0          # nodes composed so far: an anchor's size is the count across it
        self.alias_nodes = 0

    def stop(self, kind: str, mark: Any, *args: Any) -> _Stop:
        return _Stop(kind, mark.line, mark.column, args, self.found)

    def document(self) -> Any:
        self.get_event()  # stream start
        if isinstance(self.peek_event(), StreamEndEvent):
            return None
        self.get_event()  # document start
        data = self.node(self.get_event(), (), 0)
        self.get_event()  # document end
        event = self.peek_event()
        if isinstance(event, DocumentStartEvent):
            raise self.stop("several_documents", event.start_mark)
        return data

    def node(self, event: Any, path: Path, depth: int) -> Any:
        """The data of the node that `event` starts."""
        mark = event.start_mark
        self.values[path] = _place(mark)
        if depth > MAX_DEPTH:
            raise self.stop("too_deep", mark)
        kind = type(event)
        if kind is AliasEvent:
            return self.alias(event)
        self.nodes += 1
        tag = event.tag
        if tag is not None and tag != "!":
            self.found.append(("tag", mark.line, mark.column, (tag,)))
        anchor = event.anchor
        if anchor is not None:
            self.anchors[anchor] = None  # in progress: an alias to it now would be self-referencing
            first_node = self.nodes
        if kind is ScalarEvent:
            style = event.style
            data: Any = resolve_plain(event.value) if not style and tag is None else event.value
            control = _first_control(data) if style == '"' else None
            if control is not None:
                self.found.append(("control", mark.line, mark.column, (control,)))
        elif kind is SequenceStartEvent:
            data = []
            get_event = self.get_event
            item = get_event()
            while type(item) is not SequenceEndEvent:
                data.append(self.node(item, path + (len(data),), depth + 1))
                item = get_event()
        elif kind is MappingStartEvent:
            data = self.mapping(path, depth)
        else:  # pragma: no cover - the parser yields nothing else here
            raise self.stop("unexpected", mark, kind.__name__)
        if anchor is not None:
            self.anchors[anchor] = (data, self.nodes - first_node + 1)
        return data

    def alias(self, event: AliasEvent) -> Any:
        if event.anchor not in self.anchors:
            raise self.stop("no_anchor", event.start_mark, event.anchor)
        target = self.anchors[event.anchor]
        if target is None:
            raise self.stop("self_alias", event.start_mark, event.anchor)
        data, size = target
        self.alias_nodes += size
        self.nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise self.stop("alias_bomb", event.start_mark)
        return data

    def mapping(self, path: Path, depth: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        get_event = self.get_event
        keys, values = self.keys, self.values
        key_event = get_event()
        while type(key_event) is not MappingEndEvent:
            mark = key_event.start_mark
            if type(key_event) is not ScalarEvent:
                raise self.stop("key_not_text", mark)
            key = key_event.value
            if key == "<<" and not key_event.style:
                raise self.stop("merge_key", mark)
            key_path = path + (key,)
            if key in data:
                self.found.append(("duplicate_key", mark.line, mark.column, (key, _loc(keys[key_path]).line)))
                self.node(get_event(), path + ("\0dup",), depth + 1)
            else:
                keys[key_path] = _place(mark)
                value_event = get_event()
                if type(value_event) is ScalarEvent and value_event.anchor is None and value_event.tag is None \
                        and not value_event.style:
                    # the common case, inlined: a plain untagged scalar
                    values[key_path] = _place(value_event.start_mark)
                    data[key] = resolve_plain(value_event.value)
                    self.nodes += 1
                else:
                    data[key] = self.node(value_event, key_path, depth + 1)
            key_event = get_event()
        return data


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """The pure-Python parser, used where libyaml is missing."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def compose_events(text: str) -> tuple[Any, dict[Path, Place], dict[Path, Place], list[Problem]]:
    """What _compose.compose returns, from PyYAML's events."""
    composer = _Composer(_Parser(text) if _Parser is not None else _PyParser(text))
    try:
        data = composer.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line, mark.column) if mark is not None else (0, 0)
        raise _Stop("syntax", *where, (exc.problem or "invalid YAML", exc.context), composer.found) from None
    except yaml.reader.ReaderError as exc:
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise _Stop("reader", 0, 0, (exc.position, char, exc.reason), composer.found) from None
    except yaml.YAMLError as exc:
        raise _Stop("syntax", 0, 0, (str(exc), None), composer.found) from None
    return data, composer.values, composer.keys, composer.found
