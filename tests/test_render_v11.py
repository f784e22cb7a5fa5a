"""Drawing format 1.1: conditions, the critical path, the schedule strip, alongside and upward flows; the journey
map's per-lane rows and curves, waits, moments of truth and narrow steps. Real `dot`, geometry from the SVG."""
from __future__ import annotations

from dataclasses import replace

from blueprint.metrics import measure
from blueprint.model import Endpoint
from blueprint.render import legend_items, render, sub_service
from services11 import clinic, edited, family
from support import check_yaml
from svg_geometry import SVG, Picture, check_blueprint
from test_render_blueprint import service as hotel
from test_render_journey import check_journey


def _flow_id(svc, source: Endpoint, target: Endpoint) -> str:
    return next(f"flow.{i}" for i, flow in enumerate(svc.flows, 1) if flow.source == source and flow.target == target)


def _has_arrowhead(pic: Picture, ident: str) -> bool:
    return pic.groups[ident].find(f"{SVG}polygon") is not None


def test_critical_marks_on_exactly_the_critical_steps() -> None:
    svc = clinic()
    pic = check_blueprint(svc, render(svc, "blueprint", "svg"))
    assert sorted(pic.ids("critical.")) == ["critical.blood", "critical.recall", "critical.triage"]
    for ident in pic.ids("critical."):
        assert pic.rect(ident.replace("critical.", "step.")).contains(pic.rect(ident))
    assert "legend.critical" in legend_items(svc, "blueprint")


def test_no_critical_marks_and_no_schedule_without_after() -> None:
    svc = hotel()
    pic = Picture(render(svc, "blueprint", "svg"))
    assert pic.ids("critical.") == [] and pic.ids("schedule") == [] and pic.ids("when.") == []
    assert "legend.critical" not in legend_items(svc, "blueprint")


def test_conditional_step_heading_shows_its_condition_and_chance() -> None:
    svc = clinic()
    pic = Picture(render(svc, "blueprint", "svg"))
    assert pic.ids("when.") == ["when.recall"]
    assert pic.text("when.recall") == "If results unclear · 20.0 %"
    heading, condition = pic.rect("step.recall"), pic.rect("when.recall")
    assert heading.bottom <= condition.top and abs(heading.cx - condition.cx) < 1
    dashed = [p for p in pic.groups["step.recall"] if p.get("stroke-dasharray")]
    assert dashed and not [p for p in pic.groups["step.blood"] if p.get("stroke-dasharray")]
    chance_only = edited(svc, {"recall": {"when": None}})
    assert Picture(render(chance_only, "blueprint", "svg")).text("chance.recall") == "20.0 %"


def test_schedule_bars_run_from_start_to_finish_on_one_axis() -> None:
    svc = clinic()
    pic = Picture(render(svc, "blueprint", "svg"))
    steps = {s.id: s for s in measure(svc).steps}
    bars = {step: pic.rect(f"schedule.{step}") for step in steps}
    axis = pic.path("schedule.axis")
    left, right = min(x for x, _ in axis), max(x for x, _ in axis)
    scale = (right - left) / 37 / 60          # lead time 37m
    for step, bar in bars.items():
        if steps[step].time_s * scale >= 4:
            assert abs(bar.left - (left + steps[step].start_s * scale)) < 1.5, step
            assert abs(bar.right - (left + steps[step].finish_s * scale)) < 1.5, step
    by_start = sorted(steps, key=lambda s: steps[s].start_s)
    assert all(bars[a].left <= bars[b].left + 0.5 for a, b in zip(by_start, by_start[1:]))
    by_finish = sorted(steps, key=lambda s: steps[s].finish_s)
    assert all(bars[a].right < bars[b].right for a, b in zip(by_finish, by_finish[1:]))
    blood, xray = bars["blood"], bars["xray"]        # run at the same time: one above the other
    assert abs(blood.left - xray.left) < 1 and (blood.top >= xray.bottom or xray.top >= blood.bottom)
    critical = {ident.removeprefix("schedule.") for ident in pic.classes("critical") if ident.startswith("schedule.")}
    assert critical == {"triage", "blood", "recall"}
    lanes_top = pic.rect(f"lane.{svc.lanes[0].id}").top
    headings_bottom = max(pic.rect(f"step.{s}").bottom for s in steps)
    assert all(headings_bottom < bar.top and bar.bottom < lanes_top for bar in bars.values())
    row = pic.rect("schedulerow")          # a tinted row like a lane's, holding every bar, above the lanes
    assert headings_bottom <= row.top and row.bottom <= lanes_top
    assert all(row.top < bar.top and bar.bottom < row.bottom and row.left <= bar.left for bar in bars.values())
    assert "37m" in pic.text() and "0s" in pic.text()


def test_alongside_members_joined_without_arrowhead_and_upward_flow_points_up() -> None:
    svc = clinic()
    pic = Picture(render(svc, "blueprint", "svg"))
    together = _flow_id(svc, Endpoint("triage", "patient"), Endpoint("triage", "nurse"))
    assert not _has_arrowhead(pic, together)
    assert _has_arrowhead(pic, _flow_id(svc, Endpoint("triage", "nurse"), Endpoint("triage", "ehr")))
    up = _flow_id(svc, Endpoint("recall", "ehr"), Endpoint("recall", "patient"))
    path = pic.path(up)
    tip = min(y for _, y in pic.shape_points(up))
    assert path[0][1] > path[-1][1] and tip <= path[-1][1] and tip >= pic.rect("a.recall.patient").bottom - 1
    assert "legend.alongside" in legend_items(svc, "blueprint")


def test_family_blueprint_geometry() -> None:
    svc = family()
    pic = check_blueprint(svc, render(svc, "blueprint", "svg"))
    assert sorted(pic.ids("critical.")) == sorted(f"critical.{s.id}" for s in measure(svc).steps if s.critical)


def test_journey_one_row_and_one_curve_per_customer_lane() -> None:
    svc = family()
    pic = check_journey(svc, render(svc, "journey", "svg"))
    assert pic.text("rowtitle.action.patient") == "Patient" and pic.text("rowtitle.action.carer") == "Daughter"
    assert "Drives her mother in" in pic.text("action.drive.carer")
    assert "action.triage.carer" not in pic.groups
    points = {ident for ident in pic.ids("emotion.") if not ident.startswith(("emotion.curve", "emotion.zero"))}
    assert points == {"emotion.drive.patient", "emotion.drive.carer", "emotion.triage.patient",
                      "emotion.review.patient", "emotion.review.carer", "emotion.home.patient", "emotion.home.carer"}
    patient = [i for i in pic.classes("lane-patient") if i.startswith("emotion.curve.")]
    carer = [i for i in pic.classes("lane-carer") if i.startswith("emotion.curve.")]
    assert len(patient) == 2 and len(carer) == 1          # broken at bloods (no emotion); the carer's at triage too
    styles = {pic.groups[i].find(f"{SVG}path").get("stroke") for i in patient + carer}
    assert len(styles) == 2
    keys = legend_items(svc, "journey")
    assert [key.caption for key in keys if key.startswith("legend.curve.")] == ["Patient", "Daughter"]
    box = pic.rect("legend")
    captions = {"".join(t.itertext()) for t in pic.texts() if box.top < float(t.get("y", 0)) < box.bottom}
    assert {"Patient", "Daughter"} <= captions


def test_curve_breaks_at_a_step_without_emotion() -> None:
    svc = hotel()
    gap = edited(svc, {"queue": {"emotion": None}})
    pic = check_journey(gap, render(gap, "journey", "svg"))
    assert pic.ids("emotion.curve.") == []                 # park and verify are not joined across queue
    assert {"emotion.park", "emotion.verify"} <= set(pic.groups)


def test_journey_waits_moments_scores_and_narrow_steps() -> None:
    svc = family()
    pic = Picture(render(svc, "journey", "svg"))
    assert pic.text("wait.triage") == "40m tolerance 15m" and "over" in pic.groups["wait.triage"].get("class")
    assert pic.text("wait.review") == "30m" and "over" not in pic.groups["wait.review"].get("class")
    assert pic.text("moment.triage") == "Moment of truth" and pic.text("moment.review") == "Moment of truth"
    assert "CSAT 2.1 · NPS −40" in pic.text("touchpoint.triage")
    assert "CSAT 4.2 · NPS +30" in pic.text("touchpoint.review")
    assert pic.rect("step.bloods").width < pic.rect("step.drive").width / 2 + 20
    assert pic.text("thinks.review") == "Patient: “Can I go home today?” Daughter: “Can I cope with her at home?”"
    assert "If results normal · 70.0 %" in pic.text("step.home")
    assert [p for p in pic.groups["step.home"] if p.get("stroke-dasharray")]
    for key in ("legend.wait", "legend.wait_over", "legend.moment", "legend.narrow", "legend.conditional"):
        assert key in legend_items(svc, "journey")


def test_chinese_labels_of_the_new_marks() -> None:
    svc = replace(family(), lang="zh")
    journey = Picture(render(svc, "journey", "svg"))
    assert journey.text("moment.triage") == "关键时刻" and journey.text("rowtitle.wait") == "等待"
    assert "容忍 15m" in journey.text("wait.triage")
    blueprint = Picture(render(replace(clinic(), lang="zh"), "blueprint", "svg"))
    assert blueprint.text("when.recall") == "若results unclear · 20.0 %"
    assert "时间安排" in blueprint.text("schedule")


CHAINED = """\
blueprint: 1
title: Parcel
lanes:
  - {id: recipient, title: Recipient, kind: customer}
  - {id: truck, title: Truck, kind: frontstage, chain: true}
stages:
  - id: deliver
    title: Deliver
    steps:
      - id: load
        actions:
          truck: {text: Loads the parcel, duration: 10m}
      - id: drive
        actions:
          truck: {text: Drives the round, duration: 2h}
      - id: hand
        actions:
          recipient: Signs for the parcel
          truck: {text: Hands it over, duration: 1m}
"""


def test_a_chained_lane_is_drawn_step_to_step() -> None:
    svc = check_yaml(CHAINED).service
    assert svc is not None
    pic = check_blueprint(svc, render(svc, "blueprint", "svg"))
    for a, b in (("load", "drive"), ("drive", "hand")):
        ident = _flow_id(svc, Endpoint(a, "truck"), Endpoint(b, "truck"))
        path = pic.path(ident)
        assert pic.rect(f"a.{a}.truck").right - 1 <= path[0][0] and path[-1][0] <= pic.rect(f"a.{b}.truck").left + 1
        assert _has_arrowhead(pic, ident)


def test_hostile_condition_text_is_drawn_literally() -> None:
    hostile = '<b>x</b> {a|b} \\N "q" ]; evil [label="y'
    svc = edited(clinic(), {"recall": {"when": hostile}})
    blueprint = Picture(render(svc, "blueprint", "svg"))
    assert blueprint.text("when.recall") == f"If {hostile} · 20.0 %"
    assert Picture(render(svc, "journey", "svg")).text("step.recall") == f"Gets a call back If {hostile} · 20.0 %"


PARALLEL = """\
blueprint: 1
title: Two tracks
stages:
  - id: a
    title: A
    steps:
      - id: s1
        actions:
          customer: {text: Short task, duration: 10m}
      - id: s2
        after: []
        actions:
          customer: {text: Long task, duration: 1h}
  - id: b
    title: B
    steps:
      - id: s3
        after: s1
        actions:
          customer: {text: Follow-up, duration: 5m}
"""


def test_a_part_drawn_with_the_whole_services_schedule() -> None:
    svc = check_yaml(PARALLEL).service
    assert svc is not None
    assert [s.id for s in measure(svc).steps if s.critical] == ["s2"]
    part = Picture(render(svc, "blueprint", "svg", stages=("b",)))
    assert part.ids("critical.") == [] and "10m" in part.text() and "15m" in part.text()
    alone = Picture(render(sub_service(svc, ("b",)), "blueprint", "svg"))     # no whole: the part's own schedule
    assert alone.ids("critical.") == ["critical.s3"]
