"""Reading YAML: locations, YAML 1.1 traps, refused constructs, hostile input; never a crash."""
from __future__ import annotations

import time

import pytest

from blueprint.api import check_bytes
from blueprint.loader import load_text

from support import MINIMAL, check_yaml, codes


def _only(document_findings: object) -> tuple[str, int, int]:
    findings = list(document_findings)  # type: ignore[call-overload]
    assert len(findings) == 1, findings
    return findings[0].code, findings[0].line, findings[0].column


def test_every_node_has_its_line_and_column() -> None:
    loaded = load_text("a:\n  b: [1, {c: x}]\n", "f")
    assert loaded.locations.value(("a", "b", 1, "c")) == (2, 14)
    assert loaded.locations.key(("a", "b")) == (2, 3)
    assert loaded.locations.value(("a", "b", 0)) == (2, 7)


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "12:30", "1.10", "0777", "007"])
def test_yaml_11_words_and_numbers_stay_text_as_written(word: str) -> None:
    document = check_yaml(MINIMAL.replace("title: Minimal", f"title: {word}"))
    assert document.valid, document.findings
    assert document.service.title == word


def test_boolean_where_text_is_expected_says_quote_it() -> None:
    document = check_yaml(MINIMAL.replace("customer: Walks in", "customer: true"))
    assert codes(document) == ["E004"]
    assert "quote it" in document.findings[0].message


def test_duplicate_keys_are_refused() -> None:
    document = check_bytes(b"blueprint: 1\nblueprint: 1\ntitle: x\n", "f.yaml")
    assert ("E002", 2, 1) in [(f.code, f.line, f.column) for f in document.findings]


@pytest.mark.parametrize("tagged", ["!!python/object/apply:os.system [ls]", "!custom x", "!!str x", "!!binary aGk="])
def test_tags_are_refused(tagged: str) -> None:
    document = check_yaml(MINIMAL.replace("title: Minimal", f"title: {tagged}"))
    assert "E004" in codes(document)
    assert any("tags are not allowed" in f.message for f in document.findings)


def test_several_documents() -> None:
    document = check_bytes(MINIMAL.encode() + b"---\n" + MINIMAL.encode(), "f.yaml")
    assert _only(document.findings)[0:2] == ("E001", 11)


@pytest.mark.parametrize("text, code", [("- a\n- b\n", "E004"), ("just text\n", "E004"), ("", "E005"),
                                        ("# only a comment\n", "E005")])
def test_root_must_be_a_mapping(text: str, code: str) -> None:
    assert _only(check_bytes(text.encode(), "f.yaml").findings)[0] == code


def test_not_utf8() -> None:
    raw = MINIMAL.replace("Walks in", "Walks in \xe9").encode("latin-1")
    assert _only(check_bytes(raw, "f.yaml").findings) == ("E001", 9, 30)


def test_utf16_with_bom_is_read() -> None:
    document = check_bytes(MINIMAL.encode("utf-16"), "f.yaml")
    assert document.valid


def test_nul_byte_is_refused() -> None:
    assert _only(check_bytes(b"blueprint: 1\ntitle: a\0b\n", "f.yaml").findings)[0:2] == ("E001", 2)


def test_alias_reuse_works() -> None:
    text = MINIMAL.replace("customer: Walks in", "customer: &walk Walks in") + \
        "      - id: again\n        actions:\n          customer: *walk\n"
    document = check_yaml(text)
    assert document.valid, document.findings
    assert document.service.step("again").actions[0].text == "Walks in"


def test_alias_bomb_is_refused_fast() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    started = time.monotonic()
    document = check_bytes(("\n".join(levels) + "\n").encode(), "bomb.yaml")
    assert time.monotonic() - started < 1
    code, line, _ = _only(document.findings)
    assert code == "E004" and "alias bomb" in document.findings[0].message and line <= 9


def test_self_referencing_alias_is_refused() -> None:
    assert _only(check_bytes(b"a: &x [1, *x]\n", "f.yaml").findings) == ("E004", 1, 11)


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_deep_nesting_is_refused_before_the_parser(opener: str) -> None:
    started = time.monotonic()
    document = check_bytes(("x: " + opener * 50_000).encode(), "deep.yaml")
    assert time.monotonic() - started < 1
    assert _only(document.findings)[0] == "E001"
    assert "nests deeper" in document.findings[0].message


def test_deep_block_nesting_is_refused() -> None:
    document = check_bytes(("- " * 5000 + "x\n").encode(), "deep.yaml")
    assert _only(document.findings)[0] == "E001"


@pytest.mark.parametrize("number", ["9" * 100_000, "1e309", ".nan", "-.inf"])
def test_absurd_numbers_are_e004(number: str) -> None:
    document = check_yaml(MINIMAL.replace("      - id: enter\n", f"      - id: enter\n        emotion: {number}\n"))
    assert _only(document.findings)[0:2] == ("E004", 8)


def test_control_character_in_text_is_refused() -> None:
    document = check_yaml(MINIMAL.replace("customer: Walks in", 'customer: "Walks\\u0007 in"'))
    assert _only(document.findings)[0:2] == ("E004", 9)


def test_file_over_size_cap() -> None:
    document = check_bytes(b"#" * (10 * 1024 * 1024 + 1), "huge.yaml")
    assert _only(document.findings) == ("E004", 1, 1)


def test_merge_keys_are_refused() -> None:
    document = check_bytes(b"base: &b {a: 1}\nother:\n  <<: *b\n", "f.yaml")
    assert _only(document.findings)[0:2] == ("E004", 3)
