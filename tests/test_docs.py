"""docs/format.md, the users' reference: its examples are checked, and it covers every code and key."""
from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from blueprint.api import check_bytes
from blueprint.findings import CODES
from blueprint.schema import json_schema

from support import FORMAT_MD, ROOT, check_yaml

FORMAT_DOC = ROOT / "docs" / "format.md"
TEXT = FORMAT_DOC.read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"^```yaml\n(.*?)^```$", TEXT, flags=re.MULTILINE | re.DOTALL)
EXPECT = re.compile(r"# expect: ([A-Z]\d{3}) (\d+):(\d+)\n")
WHOLE_FILES = [block for block in YAML_BLOCKS if block.startswith("blueprint:")]
RAISING = [block for block in YAML_BLOCKS if EXPECT.match(block)]
PARTS = [block for block in YAML_BLOCKS if block not in WHOLE_FILES and block not in RAISING]
PRINTED = dict(re.findall(r"^```yaml\n(# expect: .*?)^```\n\n```text\n(.*?)\n```$", TEXT,
                          flags=re.MULTILINE | re.DOTALL))


def _label(block: str) -> str:
    return next(line for line in block.splitlines() if line.startswith(("title:", "# expect:"))
                or not line.startswith("blueprint:"))[:40]


def test_the_examples_are_sorted_into_whole_files_raising_files_and_parts() -> None:
    assert len(WHOLE_FILES) >= 8 and len(RAISING) >= len(CODES) and PARTS


@pytest.mark.parametrize("block", WHOLE_FILES, ids=_label)
def test_a_whole_file_example_passes_check(block: str) -> None:
    document = check_yaml(block)
    assert document.valid, [str(f) for f in document.errors]


@pytest.mark.parametrize("block", RAISING, ids=_label)
def test_a_raising_example_raises_its_finding_where_it_says_with_the_message_shown(block: str) -> None:
    match = EXPECT.match(block)
    assert match
    document = check_bytes(block.encode("utf-8"), "service.yaml")
    shown = PRINTED.get(block)
    assert shown, "a raising example is followed by a ```text block with the line `check` prints"
    assert shown in [str(f) for f in document.findings if (f.code, f.line, f.column) ==
                     (match[1], int(match[2]), int(match[3]))]
    if not match[1].startswith("E"):
        assert document.valid, [str(f) for f in document.errors]


@pytest.mark.parametrize("block", PARTS, ids=_label)
def test_a_part_of_a_file_is_well_formed_yaml(block: str) -> None:
    assert isinstance(yaml.safe_load(block), (dict, list))


def _section(code: str) -> str:
    """The text of the `### CODE …` entry of "Every finding"."""
    match = re.search(rf"^### {code} .*?(?=^##)", TEXT, flags=re.MULTILINE | re.DOTALL)
    assert match, f"{code} has no entry in docs/format.md"
    return match[0]


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_finding_code_has_an_entry_with_its_severity_an_example_and_a_fix(code: str) -> None:
    entry = _section(code)
    assert CODES[code].severity.value in entry.splitlines()[0]
    assert f"# expect: {code} " in entry
    assert "**Fix:**" in entry


def _property_names(schema: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(schema, dict):
        names |= set(schema.get("properties", {}))
        for value in schema.values():
            names |= _property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            names |= _property_names(value)
    return names


def test_every_key_of_the_json_schema_is_documented() -> None:
    missing = {name for name in _property_names(json_schema()) if f"`{name}`" not in TEXT and name not in CODES}
    assert missing == set()


def test_the_docs_never_send_users_to_the_contract() -> None:
    for page in [FORMAT_DOC, ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        assert "FORMAT.md" not in page.read_text(encoding="utf-8"), page.name


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_leads_to_a_heading_or_a_file() -> None:
    anchors = {_slug(heading) for heading in re.findall(r"^#+ (.*)$", TEXT, flags=re.MULTILINE)}
    for target in re.findall(r"\]\(([^)]+)\)", TEXT):
        if target.startswith("#"):
            assert target[1:] in anchors, target
        else:
            assert (FORMAT_DOC.parent / target).exists(), target


def test_the_two_worked_examples_are_the_contracts_own() -> None:
    if not FORMAT_MD.exists():
        pytest.skip("shared/spec/FORMAT.md is not beside this checkout")
    contract = re.findall(r"^```yaml\n(.*?)^```$", FORMAT_MD.read_text(encoding="utf-8"),
                          flags=re.MULTILINE | re.DOTALL)
    hotel = next(block for block in contract if "title: Hotel check-in" in block)
    clinic = next(block for block in contract if "title: Walk-in clinic" in block)
    assert hotel in YAML_BLOCKS and clinic in YAML_BLOCKS
