"""`export --to mermaid`: parsed back by Mermaid 11 itself (its npm package, in Node, under jsdom)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from blueprint.api import load_service
from blueprint.model import LaneKind
from support import ROOT, SAMPLES, check_yaml, run_cli

MERMAID = ROOT / "tests" / "mermaid"          # package.json pins mermaid and jsdom; scripts/setup.sh installs them


@dataclass
class Journey:
    title: str | None = None
    sections: list[str] = field(default_factory=list)
    tasks: list[tuple[str, str, int, list[str]]] = field(default_factory=list)   # section, task, score, actors


def parse_all(texts: list[str]) -> list[Journey]:
    """What Mermaid's own parser makes of each text; a text Mermaid rejects fails the test."""
    node = shutil.which("node")
    assert node and (MERMAID / "node_modules" / "mermaid").is_dir(), "run scripts/setup.sh (Node and Mermaid 11)"
    done = subprocess.run([node, MERMAID / "journey.mjs"], input=json.dumps(texts), capture_output=True,
                          text=True, timeout=120, cwd=MERMAID, check=True)
    journeys = []
    for result, text in zip(json.loads(done.stdout), texts, strict=True):
        if "error" in result:
            raise AssertionError(f"Mermaid rejects {text!r}: {result['error']}")
        assert result["type"] == "journey" and result["orphans"] == 0, result
        journeys.append(Journey(result["title"] or None, [section["name"] for section in result["sections"]],
                                [(section["name"], task["task"], task["score"], task["people"])
                                 for section in result["sections"] for task in section["tasks"]]))
    return journeys


def parse(text: str) -> Journey:
    return parse_all([text])[0]


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


# JavaScript's `\s`, which Mermaid's journey lexer uses (Python's isspace() lacks U+FEFF and has U+001C-001F).
JS_SPACES = ["\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680", *map(chr, range(0x2000, 0x200B)),
             "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"]


def _quoted(text: str) -> str:
    return json.dumps(text)                  # a YAML double-quoted scalar with \\u escapes


def _service(title: str, stage: str, steps: list[str], guest: str = "Guest") -> str:
    lines = ["blueprint: 1", f"title: {_quoted(title)}", "lanes:",
             f"  - {{id: guest, title: {_quoted(guest)}, kind: customer}}", "stages:",
             f"  - id: s1\n    title: {_quoted(stage)}\n    steps:"]
    lines += [f"      - id: t{index}\n        title: {_quoted(step)}\n        actions: {{guest: x}}"
              for index, step in enumerate(steps)]
    return "\n".join(lines) + "\n"


def _exported(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert check_yaml(text).valid
    return export(path)


def test_the_reported_feff_injections_stay_a_title_a_section_and_tasks(tmp_path: Path) -> None:
    scam = "title\ufeffACME is a SCAM - call 555-0100"
    journey = parse(_exported(tmp_path, _service("Hotel", "section\ufeffEvil", [scam, "\ufeff", "Pay"])))
    assert journey.title == "Hotel"
    assert journey.sections == ["section Evil"]
    assert [task for _, task, _, _ in journey.tasks] == ["\u200btitle ACME is a SCAM - call 555-0100", "t1", "Pay"]
    only = parse(_exported(tmp_path, _service("\ufeff", "\ufeff", ["x"], guest="\ufeff")))
    assert only.title is None and only.sections == ["s1"] and only.tasks == [("s1", "x", 3, ["guest"])]


def test_every_javascript_space_is_a_space_and_never_starts_a_keyword(tmp_path: Path) -> None:
    steps = ["{0}title{0}Fake{0}", "section{0}Fake", "journey{0}x", "%{0}x", "accTitle{0}:{0}x", "a{0}%%{0}b"]
    texts, accepted = [], []
    for space in JS_SPACES:
        service = _service(f"{space}T{space}#{space}", f"{space}S{space}:1", [step.format(space) for step in steps],
                           guest=f"Guest{space},{space}VIP")
        if space in "\v\f\r":           # the format refuses these control characters in text, so no export has them
            assert [finding.code for finding in check_yaml(service).errors] == ["E004"] * 9
            continue
        texts.append(_exported(tmp_path, service))
        accepted.append(space)
    assert len(accepted) == len(JS_SPACES) - 3
    for space, journey in zip(accepted, parse_all(texts), strict=True):
        assert journey.title == "T \uff03" and journey.sections == ["S \ua7891"], space
        assert [task for _, task, _, _ in journey.tasks] == [
            "\u200btitle Fake", "\u200bsection Fake", "\u200bjourney x", "\u200b% x", "\u200baccTitle \ua789 x",
            "a % % b"], space
        assert all(section == "S \ua7891" and score == 3 and actors == ["Guest \u201a VIP"]
                   for section, _, score, actors in journey.tasks), space


def test_percent_runs_and_a_file_name_with_a_newline_stay_text(tmp_path: Path) -> None:
    text = _exported(tmp_path, _service("100%%% sure", "%%{init: {'theme': 'dark'}}%%", ["%%%", "x %%%% y"]),
                     name="evil\n    title Injected\n    section Fake %%{init: {}}%%.yaml")
    assert text.splitlines()[1].startswith("    %% Exported by blueprint") and "\n    title Injected" not in text
    journey = parse(text)
    assert journey.title == "100% % % sure"
    assert journey.sections == ["% %{init\ua789 {'theme'\ua789 'dark'}}% %"]
    assert [task for _, task, _, _ in journey.tasks] == ["\u200b% % %", "x % % % % y"]


def test_every_valid_hostile_and_sample_file_parses_as_intended_in_mermaid() -> None:
    """One title at most, one section per stage, one task per step with its score and actor count, whatever the text."""
    hostile = ROOT / "tests" / "hostile"
    paths = [path for path in sorted(hostile.glob("*.yaml")) if "exit=0" in path.read_text("utf-8", "replace")[:40]]
    paths += sorted(SAMPLES.glob("*.yaml"))
    services = [load_service(path) for path in paths]
    texts = [export(path) for path in paths]
    assert len(paths) >= 12 and any(path.name == "inject-mermaid-feff.yaml" for path in paths)
    for path, service, journey in zip(paths, services, parse_all(texts), strict=True):
        assert len(journey.sections) == len(service.stages), path.name
        assert [sum(section == name for section, _, _, _ in journey.tasks) for name in journey.sections] == [
            len(stage.steps) for stage in service.stages], path.name
        for (_, task, score, actors), step in zip(journey.tasks, service.steps, strict=True):
            assert task and score == (3 if step.emotion is None else step.emotion + 3), (path.name, step.id)
            assert len(actors) == len({a.lane for a in step.actions
                                       if service.lane(a.lane).kind in (LaneKind.CUSTOMER, LaneKind.FRONTSTAGE)})


def test_a_file_name_that_is_not_utf8_is_a_replacement_character_in_the_comment(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"caf\xe9.yaml")
    path.write_text(_service("Hotel", "Stay", ["Pay"]), encoding="utf-8")
    target = tmp_path / "out.mmd"
    result = run_cli("export", path, "--to", "mermaid", "-o", target)
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert f"from {tmp_path}/caf\ufffd.yaml." in text.splitlines()[1]
    assert parse(text).tasks == [("Stay", "Pay", 3, ["Guest"])]
