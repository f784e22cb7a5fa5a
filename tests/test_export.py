"""`export --to mermaid`: parsed back with the rules of Mermaid's own journey lexer and grammar."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from blueprint.api import load_service
from blueprint.model import LaneKind
from support import SAMPLES, check_yaml, run_cli

# Mermaid's journey lexer (user-journey/parser/journey.jison) as jison compiles it: case-insensitive,
# the first rule that matches wins (not the longest), and its `\%%` comment rule becomes a single `%`.
RULES = [
    (r"%(?!\{)[^\n]*", None), (r"[^}]%%[^\n]*", None), (r"\n+", "NEWLINE"), (r"\s+", None),
    (r"#[^\n]*", None), (r"journey\b", "journey"), (r"title\s[^#\n;]+", "title"),
    (r"accTitle\s*:\s*", "acc_title"), (r"accDescr\s*:\s*", "acc_descr"), (r"accDescr\s*\{\s*", "acc_descr_multi"),
    (r"section\s[^#:\n;]+", "section"), (r"[^#:\n;]+", "taskName"), (r":[^#\n;]+", "taskData"), (r":", ":"),
    (r".", "INVALID"),
]
LEXER = [(re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in RULES]


@dataclass
class Journey:
    title: str | None = None
    sections: list[str] = field(default_factory=list)
    tasks: list[tuple[str, str, int, list[str]]] = field(default_factory=list)   # section, task, score, actors


def tokens(text: str) -> list[tuple[str, str]]:
    result, position = [], 0
    while position < len(text):
        for pattern, kind in LEXER:
            match = pattern.match(text, position)
            if match:
                if kind is not None:
                    result.append((kind, match.group()))
                position = match.end()
                break
    return result


def parse(text: str) -> Journey:
    """The grammar: `journey`, then title / section / taskName taskData statements; anything else is an error."""
    stream = tokens(text)
    assert stream and stream[0][0] == "journey", stream[:3]
    journey, index = Journey(), 1
    while index < len(stream):
        kind, value = stream[index]
        if kind == "NEWLINE":
            index += 1
        elif kind == "title":
            journey.title, index = value[6:], index + 1
        elif kind == "section":
            journey.sections.append(value[8:])
            index += 1
        elif kind == "taskName" and index + 1 < len(stream) and stream[index + 1][0] == "taskData":
            pieces = stream[index + 1][1][1:].split(":")        # journeyDb.addTask
            actors = [actor.strip() for actor in pieces[1].split(",")] if len(pieces) > 1 else []
            journey.tasks.append((journey.sections[-1], value, int(pieces[0]), actors))
            index += 2
        else:
            raise AssertionError(f"Mermaid would reject {kind} {value!r}")
    return journey


def export(path: Path) -> str:
    result = run_cli("export", path, "--to", "mermaid")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("name", ["hotel-stay.yaml", "outpatient-visit.zh.yaml", "big-60-steps.yaml"])
def test_samples_export_a_section_per_stage_and_a_task_per_step(name: str) -> None:
    service = load_service(SAMPLES / name)
    journey = parse(export(SAMPLES / name))
    assert journey.title == service.title
    assert journey.sections == [stage.title for stage in service.stages]
    assert len(journey.tasks) == len(service.steps)
    for (section, task, score, actors), step in zip(journey.tasks, service.steps):
        assert task == step.title.replace(":", "\ua789")
        assert section == next(stage.title for stage in service.stages if stage.id == step.stage)
        assert score == (3 if step.emotion is None else step.emotion + 3)
        visible = [service.lane(a.lane).title for a in step.actions
                   if service.lane(a.lane).kind in (LaneKind.CUSTOMER, LaneKind.FRONTSTAGE)]
        assert actors == visible


def test_dropped_details_are_named_in_a_comment() -> None:
    text = export(SAMPLES / "hotel-stay.yaml")
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("%%")]
    assert any("Not shown" in line and "pain points" in line and "fail points" in line and "persona" in line
               for line in comments)
    assert any("scored 3 (neutral): room-service" in line for line in comments)


EVIL = """\
blueprint: 1
title: "Evil #1; a: b %% c\\nd"
lanes:
  - {id: guest, title: "Guest, VIP: #1; yes", kind: customer}
  - {id: desk, title: "Desk", kind: frontstage}
stages:
  - id: journey
    title: "section: one # two; three\\nfour"
    steps:
      - id: title
        title: "Title deed: check #2; now"
        emotion: -2
        actions: {guest: x, desk: y}
      - id: s2
        title: "journey planning"
        emotion: 2
        actions: {guest: z}
      - id: s3
        title: "a%%b"
        actions: {guest: z}
      - id: s4
        title: "Section two"
        emotion: 1
        actions: {desk: w}
      - id: s5
        title: "accDescr { x"
        actions: {guest: w}
      - id: s6
        title: "%%{init: x}%%"
        actions: {guest: w}
"""


def test_user_text_cannot_break_the_mermaid_syntax(tmp_path: Path) -> None:
    assert check_yaml(EVIL).valid
    path = tmp_path / "evil.yaml"
    path.write_text(EVIL, encoding="utf-8")
    text = export(path)
    journey = parse(text)
    assert journey.title == "Evil \uff031\uff1b a: b % % c d"
    assert journey.sections == ["section\ua789 one \uff03 two\uff1b three four"]
    guest = "Guest\u201a VIP\ua789 \uff031\uff1b yes"
    assert journey.tasks == [
        (journey.sections[0], "\u200bTitle deed\ua789 check \uff032\uff1b now", 1, [guest, "Desk"]),
        (journey.sections[0], "\u200bjourney planning", 5, [guest]),
        (journey.sections[0], "a% %b", 3, [guest]),
        (journey.sections[0], "\u200bSection two", 4, ["Desk"]),
        (journey.sections[0], "\u200baccDescr { x", 3, [guest]),
        (journey.sections[0], "\u200b% %{init\ua789 x}% %", 3, [guest]),
    ]
    # Unsanitised, the same text does break the grammar: the check above can fail.
    with pytest.raises(AssertionError):
        parse("journey\n    section a: b\n      Title deed: check: 1: Guest\n")


def test_invalid_file_prints_findings_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("blueprint: 1\ntitle: x\n", encoding="utf-8")
    result = run_cli("export", path, "--to", "mermaid")
    assert result.returncode == 1 and f"{path}:1:1: E005" in result.stderr and result.stdout == ""


def test_export_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "hotel.mmd"
    assert run_cli("export", SAMPLES / "hotel-stay.yaml", "--to", "mermaid", "-o", target).returncode == 0
    assert target.read_text(encoding="utf-8") == export(SAMPLES / "hotel-stay.yaml")
