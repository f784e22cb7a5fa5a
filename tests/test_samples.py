"""The samples: all valid, and together they use every key of the format and raise every flag."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blueprint.api import check_file
from blueprint.findings import FLAG_CODES
from blueprint.loader import load_bytes
from blueprint.schema import Either, Kind, ListOf, MappingOf, Part, ServiceSpec, Spec

from support import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


def test_there_are_at_least_four_samples_and_one_in_chinese() -> None:
    assert len(SAMPLE_FILES) >= 4
    langs = {check_file(path).service.lang for path in SAMPLE_FILES}  # type: ignore[union-attr]
    assert langs == {"en", "zh"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_is_valid(path: Path) -> None:
    document = check_file(path)
    assert document.valid, [str(f) for f in document.findings if f.code.startswith("E")]


def test_samples_raise_every_flag() -> None:
    raised = {f.code for path in SAMPLE_FILES for f in check_file(path).findings}
    assert raised >= set(FLAG_CODES)


def _parts(kind: Kind) -> list[type[Spec]]:
    """The parts (Specs) a value of this kind may hold, directly or in its items."""
    if isinstance(kind, Part):
        return [kind.spec]
    if isinstance(kind, (ListOf, MappingOf)):
        return _parts(kind.item if isinstance(kind, ListOf) else kind.value)
    if isinstance(kind, Either):
        return _parts(kind.first) + _parts(kind.second)
    return []


def _mappings_of(kind: Kind, value: Any) -> Iterator[tuple[type[Spec], dict[str, Any]]]:
    """The mappings in a value of this kind, with the part each is checked as."""
    if isinstance(kind, Part) and isinstance(value, dict):
        yield kind.spec, value
    elif isinstance(kind, ListOf):
        for item in value if isinstance(value, list) else [value]:
            yield from _mappings_of(kind.item, item)
    elif isinstance(kind, MappingOf) and isinstance(value, dict):
        for item in value.values():
            yield from _mappings_of(kind.value, item)
    elif isinstance(kind, Either):
        yield from _mappings_of(kind.second if kind.second_when(value) else kind.first, value)


def _used(spec: type[Spec], mapping: dict[str, Any], used: set[str]) -> None:
    """`Spec.key` for every key of the format that this mapping and the parts inside it give."""
    kinds = {k.name: k.kind for k in spec.KEYS}
    for name, value in mapping.items():
        used.add(f"{spec.__name__}.{name}")
        for child, inner in _mappings_of(kinds[name], value):
            _used(child, inner, used)


def _every_key(spec: type[Spec], seen: set[str]) -> set[str]:
    """`Spec.key` for every key the format has, following the parts inside the keys."""
    for k in spec.KEYS:
        seen.add(f"{spec.__name__}.{k.name}")
        for child in _parts(k.kind):
            if not any(name.startswith(child.__name__ + ".") for name in seen):
                _every_key(child, seen)
    return seen


def test_samples_use_every_key_of_the_format() -> None:
    used: set[str] = set()
    for path in SAMPLE_FILES:
        _used(ServiceSpec, load_bytes(path.read_bytes(), path.name).data, used)
    assert _every_key(ServiceSpec, set()) - used == set()
