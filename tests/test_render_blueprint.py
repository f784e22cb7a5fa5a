"""The service blueprint: geometry from SVG element ids, formats, determinism, hostile text, size limits."""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import yaml

from blueprint.api import load_service
from blueprint.findings import UsageError
from blueprint.model import Service
from blueprint.render import (FORMATS, VIEWS, dot_source, legend_items, render, split_stages, sub_service,
                              tidy_svg)
from support import MINIMAL, SAMPLES, check_yaml
from svg_geometry import Picture, check_blueprint, png_size

EXAMPLE = """\
blueprint: 1
title: Hotel check-in
lang: en
lanes:
  - {id: evidence, title: Physical evidence, kind: evidence}
  - {id: guest,    title: Guest,             kind: customer}
  - line: interaction
  - {id: desk,     title: Front desk,        kind: frontstage}
  - {id: app,      title: Hotel app,         kind: frontstage}
  - line: visibility
  - {id: office,   title: Back office,       kind: backstage}
  - line: internal
  - {id: pms,      title: Booking system,    kind: support}
stages:
  - id: arrive
    title: Arrive
    steps:
      - id: park
        actions:
          evidence: Car park signs
          guest: Parks at the entrance
        touchpoint: {name: Car park, channel: in-person}
        emotion: -1
        pain: No free spaces after 22:00
        opportunity: Reserve a space with the booking
  - id: check-in
    title: Check in
    steps:
      - id: queue
        wait: {expected: 8m, tolerance: 3m}
        actions:
          guest: Waits in line
          desk: {text: Serves the guest ahead, duration: 4m}
        emotion: -2
      - id: verify
        touchpoint: {name: Front desk, channel: in-person}
        actions:
          guest: {text: Hands over ID and card, duration: 1m, value: customer}
          desk:
            text: Checks ID, takes card
            duration: 3m
            fail: {what: Booking not found, severity: 4, likelihood: 2, mitigation: Search by phone number}
          office: {text: Assigns a room, duration: 2m, value: customer}
          pms: {text: Looks up booking, fail: Night batch not finished}
        emotion: 0
flows:
  - {from: verify.pms, to: verify.desk, label: booking record, kind: data}
  - {from: verify.pms, to: park.guest, label: welcome text, kind: return}
"""

HOSTILE = [
    'x" ]; evil [label="y', "trailing backslash \\", r"\N \G \l \E \T \H", "<b>bold</b>",
    '<IMG SRC="/etc/hostname"/>', "{a|b}", "<script>alert(1)</script>", "javascript:alert(1)",
    "file:///etc/passwd", "abc\u202edcba\u202c", "emoji 🎉👍🏽", "中文字符", "a & b &amp; c",
    "]]> <!-- -->", "tab\there and\nnewline",
]


def service(text: str = EXAMPLE) -> Service:
    document = check_yaml(text)
    assert document.service is not None, [str(f) for f in document.findings]
    return document.service


def generated(steps: int, lanes: int = 5, per_stage: int = 10, fails: bool = True) -> str:
    kinds = ["evidence", "customer", "frontstage", "backstage", "support"]
    lane_list = [{"id": f"l{i}", "title": f"Lane {i}", "kind": kinds[min(i, 4)]} for i in range(lanes)]
    stages = []
    for s in range(0, steps, per_stage):
        stage_steps = []
        for i in range(s, min(s + per_stage, steps)):
            actions: dict[str, object] = {f"l{k}": f"Action {i} in lane {k} with some words" for k in range(lanes)
                                          if (i + k) % 3 or k in (1, 2, 4)}
            if i % 4 == 0 and fails and lanes > 3:
                actions["l3"] = {"text": f"Risky action {i}", "fail": {"what": "fails", "severity": 3,
                                                                         "likelihood": 4}}
            step: dict[str, object] = {"id": f"p{i}", "actions": actions, "emotion": i % 5 - 2}
            if i % 7 == 0:
                step["wait"] = {"expected": "10m", "tolerance": "5m"}
            if i % 5 == 0:
                step["pain"] = f"Pain {i}"
            stage_steps.append(step)
        stages.append({"id": f"st{s}", "title": f"Stage {s}", "steps": stage_steps})
    flows = [{"from": f"p{i}.l4", "to": f"p{i - 3}.l2", "kind": "data", "label": f"info {i}"}
             for i in range(3, steps, 5) if lanes >= 5]
    return yaml.safe_dump({"blueprint": 1, "title": f"{steps} steps", "lanes": lane_list, "stages": stages,
                           "flows": flows}, allow_unicode=True, sort_keys=False)


def test_example_geometry() -> None:
    svc = service()
    pic = check_blueprint(svc, render(svc, "blueprint", "svg"))
    assert {"line.interaction", "line.visibility", "line.internal"} <= set(pic.groups)
    assert pic.ids("fail.") and pic.ids("wait.") and pic.ids("pain.")
    assert "F 8" in pic.text("fail.verify.desk"), "the risk number is shown on the fail marker"
    assert "8m" in pic.text("wait.queue")
    assert "booking record" in pic.text()
    assert len(pic.classes("flow")) >= len(svc.flows)


def test_lines_labelled_and_absent_without_lanes_on_both_sides() -> None:
    svc = service()
    pic = Picture(render(svc, "blueprint", "svg"))
    assert "Line of visibility" in pic.text("line.visibility.label")
    no_support = service(re.sub(r"  - line: internal\n  - \{id: pms.*\n", "", EXAMPLE)
                         .replace("          pms: {text: Looks up booking, fail: Night batch not finished}\n", "")
                         .replace("  - {from: verify.pms, to: verify.desk, label: booking record, kind: data}\n", "")
                         .replace("  - {from: verify.pms, to: park.guest, label: welcome text, kind: return}\n", "")
                         .replace("flows:\n", ""))
    pic = check_blueprint(no_support, render(no_support, "blueprint", "svg"))
    assert "line.internal" not in pic.groups and "line.visibility" in pic.groups


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_geometry(sample: Path) -> None:
    svc = load_service(sample)
    check_blueprint(svc, render(svc, "blueprint", "svg"))


def test_legend_lists_only_the_markers_used() -> None:
    svc = service()
    keys = legend_items(svc, "blueprint")
    assert {"legend.fail", "legend.wait_over", "legend.pain", "legend.request", "legend.data",
            "legend.return"} <= set(keys)
    assert "legend.wait" not in keys, "every wait is over tolerance"
    pic = Picture(render(svc, "blueprint", "svg"))
    assert "legend.fail" in pic.groups and "legend.wait" not in pic.groups
    quiet = service(generated(3, fails=False))
    assert "legend.fail" not in legend_items(quiet, "blueprint")


def test_png_and_pdf_are_valid(tmp_path: Path) -> None:
    svc = service()
    width, height = png_size(render(svc, "blueprint", "png"))
    assert width > 500 and height > 300
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(render(svc, "blueprint", "pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1", info)


def test_deterministic() -> None:
    svc = service()
    for fmt in FORMATS:
        assert render(svc, "blueprint", fmt) == render(service(), "blueprint", fmt), fmt


def test_dot_output_renders_the_same_picture_with_plain_dot(tmp_path: Path) -> None:
    svc = service()
    source = tmp_path / "b.dot"
    source.write_bytes(render(svc, "blueprint", "dot"))
    plain = subprocess.run([shutil.which("dot") or "dot", "-Tsvg", str(source)], capture_output=True, check=True)
    assert tidy_svg(plain.stdout) == render(svc, "blueprint", "svg")


def test_ids_are_written_as_format_md_spells_them() -> None:
    svg = render(load_service(Path(__file__).parent / "fixtures" / "format-example.yaml"), "blueprint", "svg").decode()
    assert 'id="stage.check-in"' in svg and "&#45;" not in svg


def test_node_names_are_generated_never_user_text() -> None:
    source = dot_source(service(), "blueprint")
    names = set(re.findall(r"^(\S+) \[", source, re.M)) - {"graph", "node", "edge"}
    assert names and all(re.fullmatch(r"n\d+", name) for name in names)


def hostile_service(texts: list[str] = HOSTILE) -> tuple[Service, list[str]]:
    data = yaml.safe_load(EXAMPLE)
    data["title"] = texts[0]
    data["lanes"][1]["title"] = texts[1]
    steps = [step for stage in data["stages"] for step in stage["steps"]]
    steps[0]["actions"]["guest"] = texts[2]
    steps[0]["actions"]["evidence"] = texts[3]
    steps[1]["actions"]["guest"] = texts[4]
    steps[1]["actions"]["desk"] = {"text": texts[5], "duration": "4m"}
    steps[2]["actions"]["office"] = texts[6]
    steps[2]["actions"]["guest"] = {"text": texts[7]}
    steps[2]["actions"]["pms"] = {"text": texts[8], "fail": texts[9]}
    steps[1]["actions"]["app"] = texts[9]
    steps[0]["pain"] = [texts[10], texts[11]]
    steps[0]["thinks"] = texts[12]
    steps[0]["touchpoint"] = {"name": texts[13], "channel": "in-person"}
    steps[1]["title"] = texts[14]
    data["stages"][0]["title"] = texts[11]
    data["flows"][0]["label"] = texts[0]
    return service(yaml.safe_dump(data, allow_unicode=True)), texts


def literal(text: str) -> str:
    """What must appear in the SVG: the text without control and bidi characters, spaces collapsed."""
    text = re.sub("[\x00-\x08\x0e-\x1f\u202a-\u202e]", "", text.replace("\t", " "))
    return " ".join(text.split())


def test_hostile_text_renders_literally() -> None:
    svc, texts = hostile_service()
    for view in VIEWS:
        svg = render(svc, view, "svg")
        pic = Picture(svg)
        assert not [e for e in pic.root.iter() if e.tag.split("}")[1] in ("a", "image", "script", "foreignObject")]
        assert b"href" not in svg
        nodes = pic.classes("node")
        benign = Picture(render(hostile_service(["plain"] * len(texts))[0], view, "svg")).classes("node")
        assert len(nodes) == len(benign), "user text made or removed nodes"
        shown = pic.text()
        joined = re.sub(r"\s+", "", shown)
        shown_at = {"blueprint": (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 14), "journey": (2, 4, 7, 10, 11, 12, 13, 14)}
        for text in [texts[i] for i in shown_at[view]]:
            want = re.sub(r"\s+", "", literal(text))
            assert want[:12] in joined, f"{text!r} not shown literally in {view}"
        assert "\\N \\G \\l" in shown and ("<b>bold</b>" in shown) == (view == "blueprint")
        assert "\u202e" not in shown and "\x07" not in shown


def test_hostile_text_in_png_and_pdf(tmp_path: Path) -> None:
    svc, _ = hostile_service()
    png_size(render(svc, "blueprint", "png"))
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(render(svc, "blueprint", "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "hostname" in text and "/etc/hostname" in text


def test_control_characters_never_reach_the_svg() -> None:
    svc = service()
    step = svc.stages[0].steps[0]
    bad = "bell\x07 nul\x00 esc\x1b del\x7f c1\x85\x9b lone\ud800 rtl\u202e end\uffff"
    actions = tuple(a._replace(text=bad) for a in step.actions)
    stage = replace(svc.stages[0], title=bad, steps=(replace(step, title=bad, actions=actions, thinks=bad),))
    svc = replace(svc, title=bad, stages=(stage, *svc.stages[1:]))
    for view in VIEWS:
        svg = render(svc, view, "svg")
        shown = Picture(svg).text()
        assert "bell" in shown and "end" in shown
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202e]", svg.decode("utf-8"))
    png_size(render(svc, "blueprint", "png"))


def test_long_text_is_wrapped_and_cut_with_an_ellipsis() -> None:
    long = "word " * 400 + "supercalifragilisticexpialidocious" * 20
    data = yaml.safe_load(EXAMPLE)
    data["stages"][1]["steps"][1]["actions"]["office"] = long
    data["stages"][1]["steps"][1]["actions"]["desk"]["text"] = "x" * 5000
    data["flows"][0]["label"] = "label " * 200
    svc = service(yaml.safe_dump(data))
    pic = check_blueprint(svc, render(svc, "blueprint", "svg"))
    assert pic.text("a.verify.office").endswith("…")
    assert pic.text("a.verify.desk").count("…") == 1
    assert pic.rect("a.verify.office").width == pytest.approx(pic.rect("a.verify.guest").width, abs=1)


def test_a_percentage_never_breaks_before_its_sign() -> None:
    """ed-visit's condition "If needs a ward bed · 60.0 %" printed "60.0" with "%" alone on the next line."""
    from blueprint.render import text

    assert text.wrap("If needs a ward bed · 60.0 %", 110, 8) == ["If needs a ward bed ·", "60.0 %"]
    assert text.wrap("50 % of them, 60.0 %", 40, 8) == ["50 % of", "them,", "60.0 %"]
    assert text.wrap("医保 20.0 %", 30, 8) == ["医保", "20.0 %"]
    svc = load_service(SAMPLES / "ed-visit-older-patient.yaml")
    lines = [t.text for t in Picture(render(svc, "blueprint", "svg")).texts("when.admit")]
    assert lines and all((line or "").strip() != "%" for line in lines)


def test_chinese_blueprint_uses_cjk_font_and_chinese_labels(tmp_path: Path) -> None:
    svc = load_service(SAMPLES / "outpatient-visit.zh.yaml")
    pic = check_blueprint(svc, render(svc, "blueprint", "svg"))
    assert "可视分界线" in pic.text("line.visibility.label")
    assert "Noto Sans CJK SC" in {t.get("font-family") for t in pic.texts()}
    pdf = tmp_path / "zh.pdf"
    pdf.write_bytes(render(svc, "blueprint", "pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "可视分界线" in text


def test_stage_subset_keeps_lane_titles_and_inner_flows() -> None:
    svc = service()
    part = Picture(render(svc, "blueprint", "svg", stages=("check-in",)))
    assert not part.ids("step.park") and part.ids("step.queue") and part.ids("step.verify")
    assert all(f"lane.{lane.id}" in part.groups for lane in svc.lanes)
    assert "Booking system" in part.text("lanetitle.pms")
    sub = sub_service(svc, ("check-in",))
    assert all(f.source.step != "park" and f.target.step != "park" for f in sub.flows)
    with pytest.raises(UsageError):
        render(svc, "blueprint", "svg", stages=("nope",))


def test_unknown_view_or_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        render(service(), "map", "svg")
    with pytest.raises(UsageError):
        render(service(), "blueprint", "gif")


def test_300_steps_without_overlap_and_png_under_the_bitmap_limit() -> None:
    svc = service(generated(300))
    check_blueprint(svc, render(svc, "blueprint", "svg"))
    width, height = png_size(render(svc, "blueprint", "png"))
    assert width <= 32767 and height <= 32767


def test_too_large_stops_with_a_clear_error() -> None:
    svc = service(generated(1001, lanes=2, per_stage=50))
    with pytest.raises(UsageError, match="split by stage"):
        dot_source(svc, "blueprint")


SPARSE = """\
blueprint: 1
title: Sparse
lang: zh
stages:
  - id: only
    title: A stage whose title is far too long to fit over a single narrow column of the blueprint at all
    steps:
      - id: empty
        title: No actions at all
      - id: evidence-only
        actions:
          evidence: A sign
      - id: backstage-only
        actions:
          backstage: Something hidden
        pain: [one, two, three]
        wait: 5m
"""


@pytest.mark.parametrize("text", [MINIMAL, SPARSE], ids=["minimal", "sparse"])
def test_minimal_and_sparse_services(text: str, tmp_path: Path) -> None:
    from test_render_journey import check_journey

    svc = service(text)
    check_blueprint(svc, render(svc, "blueprint", "svg"))
    check_journey(svc, render(svc, "journey", "svg"))
    for view in VIEWS:
        png_size(render(svc, view, "png"))


@pytest.mark.parametrize("view", VIEWS)
def test_split_stages_gives_parts_no_wider_than_asked(view: str) -> None:
    svc = load_service(SAMPLES / "hotel-stay.yaml")
    whole = float(Picture(render(svc, view, "svg")).root.get("width", "0").removesuffix("pt"))
    limit = whole / 2
    parts = split_stages(svc, limit, view)
    assert len(parts) >= 2 and [s for part in parts for s in part] == [stage.id for stage in svc.stages]
    for part in parts:
        pic = Picture(render(svc, view, "svg", stages=part))
        width = float(pic.root.get("width", "0").removesuffix("pt"))
        assert width <= limit + 0.5 or len(part) == 1
        if view == "blueprint":
            assert all(f"lanetitle.{lane.id}" in pic.groups for lane in svc.lanes)


def test_an_absurdly_long_id_is_a_clear_error_not_a_graphviz_failure() -> None:
    svc = service(MINIMAL.replace("id: enter", "id: " + "a" * 20000))
    with pytest.raises(UsageError, match="too long to draw"):
        render(svc, "blueprint", "svg")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=0, max_size=300), min_size=4, max_size=4))
def test_any_text_renders_well_formed_and_inside_its_box(texts: list[str]) -> None:
    svc = service()
    step = svc.stages[1].steps[1]
    actions = tuple(a._replace(text=t) for a, t in zip(step.actions, texts))
    stage = replace(svc.stages[1], title=texts[0], steps=(svc.stages[1].steps[0], replace(step, actions=actions)))
    svc = replace(svc, stages=(svc.stages[0], stage))
    check_blueprint(svc, render(svc, "blueprint", "svg"))
