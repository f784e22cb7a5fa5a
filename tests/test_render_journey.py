"""The customer journey map: columns, rows, the emotion curve, pain moments, formats and Chinese."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from blueprint.api import load_service
from blueprint.model import Service
from blueprint.render import legend_items, render
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
                              ("opportunity", step.opportunities), ("thinks", step.thinks)):
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
    points = [(step, pic.rect(f"emotion.{step.id}")) for step in steps if step.emotion is not None]
    assert {i.removeprefix("emotion.") for i in pic.ids("emotion.")} - {"zero"} - {
        i.removeprefix("emotion.") for i in pic.ids("emotion.curve")} == {step.id for step, _ in points}
    px = [rect.cx for _, rect in points]
    assert px == sorted(px), "emotion points not in step order"
    for step, rect in points:
        assert abs(rect.cx - xs[steps.index(step)]) < 1, f"emotion point of {step.id} not in its column"
    for a, ra in points:
        for b, rb in points:
            if a.emotion > b.emotion:
                assert ra.cy < rb.cy - 1, f"{a.id} feels better than {b.id} but is not higher"
            elif a.emotion == b.emotion:
                assert abs(ra.cy - rb.cy) < 1
    if points:
        zero = {round(y, 1) for _, y in pic.path("emotion.zero")}
        assert len(zero) == 1
        y0 = zero.pop()
        for step, rect in points:
            assert (rect.cy < y0 - 1) == (step.emotion > 0) and (rect.cy > y0 + 1) == (step.emotion < 0)
            ellipses = [e for e in pic.groups[f"emotion.{step.id}"] if e.tag.endswith("ellipse")]
            assert len(ellipses) == (2 if step.pains else 1), f"pain moment at {step.id} not marked"
        assert len(pic.ids("emotion.curve")) == len(points) - 1
    return pic


def test_example_journey() -> None:
    svc = service()
    pic = check_journey(svc, render(svc, "journey", "svg"))
    assert "Car park" in pic.text("touchpoint.park") and "in-person" in pic.text("touchpoint.park")
    assert "No free spaces" in pic.text("pain.park")
    assert "Reserve a space" in pic.text("opportunity.park")
    assert "Emotion" in pic.text("rowtitle.emotion")
    assert legend_items(svc, "journey") == ("legend.emotion", "legend.pain_moment")


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
