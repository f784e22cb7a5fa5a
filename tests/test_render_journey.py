"""The customer journey map: columns, rows, the emotion curve, pain moments, formats and Chinese."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from blueprint.api import load_service
from blueprint.model import Service
from blueprint.render import legend_items, render
from blueprint.render.customers import curve_lanes, narrow
from blueprint.render.journey_view import LANE_OFFSET
from support import SAMPLES
from svg_geometry import Picture, png_size
from test_render_blueprint import hostile_service, service


def check_journey(svc: Service, svg: bytes) -> Picture:
    """Assert the journey map's contract: ids present, columns ordered, emotion points by step and height."""
    pic = Picture(svg)
    steps = svc.steps
    xs = [pic.rect(f"step.{step.id}").cx for step in steps]
    assert xs == sorted(xs) and len(set(xs)) == len(xs), "steps not left to right"
    for stage in svc.stages:
        rect = pic.rect(f"stage.{stage.id}")
        first, last = pic.rect(f"step.{stage.steps[0].id}"), pic.rect(f"step.{stage.steps[-1].id}")
        assert rect.left <= first.left + 1 and last.right - 1 <= rect.right and rect.bottom <= first.top + 1
    for step, x in zip(steps, xs):
        for kind, present in (("touchpoint", step.touchpoint), ("pain", step.pains),
                              ("opportunity", step.opportunities), ("thinks", step.thinks or step.thoughts)):
            assert (f"{kind}.{step.id}" in pic.groups) == bool(present), f"{kind}.{step.id}"
            if present:
                assert abs(pic.rect(f"{kind}.{step.id}").cx - x) < 1
    for ident in pic.ids("touchpoint.") + pic.ids("action.") + pic.ids("thinks.") + pic.ids("step.") + \
            pic.ids("pain.") + pic.ids("opportunity."):
        rect = pic.rect(ident)
        for t in pic.texts(ident):
            x = float(t.get("x", 0))
            assert x >= rect.left + 1, f"text overflows {ident} on the left"
            if not ident.startswith(("pain.", "opportunity.")):
                assert 2 * rect.cx - x <= rect.right - 1, f"text overflows {ident} on the right"
    curves = curve_lanes(svc)
    spread = LANE_OFFSET * (len(curves) - 1) / 2 + 1
    points = {(step.id, lane): (score, pic.rect(f"emotion.{step.id}.{lane}" if step.emotions else f"emotion.{step.id}"))
              for lane, scores in curves.items() for step in steps if (score := scores.get(step.id)) is not None}
    drawn = set(pic.ids("emotion.")) - {"emotion.zero"} - set(pic.ids("emotion.curve."))
    assert len(drawn) == len(points), "an emotion point too many or missing"
    by_step = {step.id: step for step in steps}
    for (step_id, _), (_, rect) in points.items():
        column = xs[steps.index(by_step[step_id])]
        assert abs(rect.cx - column) < spread, f"emotion point of {step_id} not in its column"
    ranked = sorted(points.values(), key=lambda item: item[0])
    for (low, a), (high, b) in zip(ranked, ranked[1:]):
        assert (b.cy < a.cy - 1) if high > low else abs(a.cy - b.cy) < 1, "emotion points not at their heights"
    if points:
        zero = {round(y, 1) for _, y in pic.path("emotion.zero")}
        assert len(zero) == 1
        y0 = zero.pop()
        for (step_id, lane), (score, rect) in points.items():
            assert (rect.cy < y0 - 1) == (score > 0) and (rect.cy > y0 + 1) == (score < 0)
            ident = f"emotion.{step_id}.{lane}" if by_step[step_id].emotions else f"emotion.{step_id}"
            ellipses = [e for e in pic.groups[ident] if e.tag.endswith("ellipse")]
            assert len(ellipses) == (2 if by_step[step_id].pains else 1), f"pain moment at {step_id} not marked"
    for lane, scores in curves.items():
        pieces = [pic.path(ident) for ident in pic.classes(f"lane-{lane}") if ident.startswith("emotion.curve.")]
        joined = [(a.id, b.id) for a, b in zip(steps, steps[1:]) if a.id in scores and b.id in scores]
        assert len(pieces) == len(joined), f"{lane}'s curve not broken exactly where an emotion is missing"
        for path, (a, b) in zip(sorted(pieces), joined):
            assert abs(path[0][0] - points[a, lane][1].cx) < 1 and abs(path[-1][0] - points[b, lane][1].cx) < 1
    for step, x in zip(steps, xs):
        assert (f"wait.{step.id}" in pic.groups) == bool(step.wait), f"wait.{step.id}"
        if step.wait:
            assert abs(pic.rect(f"wait.{step.id}").cx - x) < 1
        moment = bool(step.touchpoint and step.touchpoint.moment)
        assert (f"moment.{step.id}" in pic.groups) == moment, f"moment.{step.id}"
        if moment:
            assert pic.rect(f"touchpoint.{step.id}").contains(pic.rect(f"moment.{step.id}"))
    widths = {narrow(svc, step): round(pic.rect(f"step.{step.id}").width) for step in steps}
    assert len(set(widths.values())) == len(widths) and widths.get(True, 0) < widths.get(False, 1e9), \
        "steps without a customer action not drawn narrow"
    return pic


def test_example_journey() -> None:
    svc = service()
    pic = check_journey(svc, render(svc, "journey", "svg"))
    assert "Car park" in pic.text("touchpoint.park") and "in-person" in pic.text("touchpoint.park")
    assert "No free spaces" in pic.text("pain.park")
    assert "Reserve a space" in pic.text("opportunity.park")
    assert "Emotion" in pic.text("rowtitle.emotion")
    assert legend_items(svc, "journey") == ("legend.emotion", "legend.pain_moment", "legend.wait_over")


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_journey(sample: Path) -> None:
    svc = load_service(sample)
    check_journey(svc, render(svc, "journey", "svg"))


def test_journey_formats_and_determinism(tmp_path: Path) -> None:
    svc = service()
    width, height = png_size(render(svc, "journey", "png"))
    assert width > 400 and height > 300
    pdf = tmp_path / "j.pdf"
    pdf.write_bytes(render(svc, "journey", "pdf"))
    assert "Pages:" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    for fmt in ("svg", "png", "pdf", "dot"):
        assert render(svc, "journey", fmt) == render(service(), "journey", fmt)


def test_chinese_journey(tmp_path: Path) -> None:
    svc = load_service(SAMPLES / "outpatient-visit.zh.yaml")
    pic = check_journey(svc, render(svc, "journey", "svg"))
    assert "情绪" in pic.text("rowtitle.emotion") and "痛点" in pic.text("rowtitle.pain")
    pdf = tmp_path / "zh.pdf"
    pdf.write_bytes(render(svc, "journey", "pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "情绪" in text


def test_hostile_journey_is_well_formed() -> None:
    svc, _ = hostile_service()
    check_journey(svc, render(svc, "journey", "svg"))
