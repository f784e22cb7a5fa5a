"""The samples: all valid, and together they use every key of the format and raise every flag."""
from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from blueprint.api import check_file
from blueprint.findings import FLAG_CODES
from blueprint.loader import load_bytes
from blueprint.schema import ServiceSpec
from blueprint.validate import fields_of, model_at, models_in, unwrap

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


def _mappings(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every mapping in the data with its path."""
    found = []
    if isinstance(data, dict):
        found.append((path, data))
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found += _mappings(value, path + (key,))
    return found


def _every_key(model: type[BaseModel], seen: set[str]) -> set[str]:
    """`Model.key` for every key the format has, following the models inside the fields."""
    for key, info in fields_of(model).items():
        seen.add(f"{model.__name__}.{key}")
        annotation = unwrap(info.annotation)
        for inner in [annotation, *typing.get_args(annotation)]:
            for child in models_in(inner):
                if not any(name.startswith(child.__name__ + ".") for name in seen):
                    _every_key(child, seen)
    return seen


def test_samples_use_every_key_of_the_format() -> None:
    used = set()
    for path in SAMPLE_FILES:
        data = load_bytes(path.read_bytes(), path.name).data
        for mapping_path, mapping in _mappings(data):
            model = model_at(data, mapping_path)
            if model is not None:
                used |= {f"{model.__name__}.{key}" for key in mapping}
    assert _every_key(ServiceSpec, set()) - used == set()
