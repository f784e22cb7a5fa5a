"""The report's format 1.1 sections, read back from real PDFs with pdftotext: schedule, cost, touchpoints,
pain points by SERVQUAL dimension; each only when the file has the data; English and Chinese."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from blueprint.api import load_service
from blueprint.metrics import measure
from blueprint.render.theme import CRITICAL
from blueprint.report import report
from blueprint.report.charts import cost_bars, gantt, risk_matrix
from blueprint.report.context import build_context
from services11 import clinic, edited, family
from support import SAMPLES
from test_report import tool

SECTIONS = ('id="schedule"', 'id="cost"', 'id="touchpoints"', 'id="dimensions"')


def _pdf(tmp: Path, service: object, name: str) -> str:
    """The report's text line by line as laid out (table rows stay whole), runs of spaces folded."""
    path = tmp / f"{name}.pdf"
    path.write_bytes(report(service, "pdf"))
    return _text(path)


def _text(path: Path, half: str = "") -> str:
    """The PDF's text line by line as laid out; only the left or the right half of each page when `half` says
    (the schedule's table and the cost stand side by side)."""
    region = {"": [], "left": ["-x", "0"], "right": ["-x", "420"]}[half] + (["-W", "420", "-y", "0", "-H", "596"]
                                                                        if half else [])    # the cells meet at 421
    lines = (" ".join(line.split()) for line in
             tool("pdftotext", "-layout", "-enc", "UTF-8", *region, path, "-").splitlines())
    return "\n".join(line for line in lines if line)


def _report_pdf(tmp: Path, service: object, name: str) -> Path:
    path = tmp / f"{name}.pdf"
    path.write_bytes(report(service, "pdf"))
    return path


@pytest.fixture(scope="module")
def clinic_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report_pdf(tmp_path_factory.mktemp("clinic"), clinic(), "clinic")


@pytest.fixture(scope="module")
def family_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report_pdf(tmp_path_factory.mktemp("family"), family(), "family")


@pytest.fixture(scope="module")
def clinic_text(clinic_pdf: Path) -> str:
    return _text(clinic_pdf)


@pytest.fixture(scope="module")
def family_text(family_pdf: Path) -> str:
    return _text(family_pdf)


def _rows_after(text: str, header: str, count: int) -> list[str]:
    """The `count` lines after the table header `header`."""
    lines = text.splitlines()
    start = lines.index(header)
    return lines[start + 1:start + 1 + count]


def _section(text: str, heading: str, following: str) -> str:
    start = text.index(heading)
    return text[start:text.index(following, start + len(heading))]


def test_schedule_section_of_the_worked_example(clinic_pdf: Path, clinic_text: str) -> None:
    part = _section(clinic_text, "Schedule\n", "Opportunities\n")
    assert "Lead time 37m · Expected lead time 36m 12s · Critical path Describes the pain → blood → Gets a call back" \
        in part
    assert _rows_after(_text(clinic_pdf, "left"), "Step Stage Start Finish Slack Condition Chance", 4) == [
        "Describes the pain Visit 0s 6m – – –", "xray Visit 6m 21m 15m – –", "blood Visit 6m 36m – – –",
        "Gets a call back Visit 36m 37m – results unclear 20.0 %"]


def test_cost_section_of_the_worked_example(clinic_pdf: Path) -> None:
    right = _text(clinic_pdf, "right")
    assert _rows_after(right, "Cost", 4) == ["Stage Labour Direct Indirect Total Waste",
                                             "Visit 29.00 EUR 32.00 EUR 14.50 EUR 75.50 EUR 0.00 EUR",
                                             "Whole service 29.00 EUR 32.00 EUR 14.50 EUR 75.50 EUR 0.00 EUR",
                                             "Expected cost (weighted by chance) 75.50 EUR"]


def test_touchpoints_and_no_dimension_section_without_dimensions(clinic_text: str) -> None:
    part = _section(clinic_text, "Touchpoints\n", "Fail points\n")
    assert "Triage desk Describes the pain in-person ★ Moment of truth 2.8 – −1" in part.splitlines()
    assert "SERVQUAL" not in clinic_text


def test_dimensions_waste_and_touchpoints_worst_first(family_pdf: Path, family_text: str) -> None:
    part = _section(family_text, "Pain points by SERVQUAL dimension\n", "Touchpoints\n").splitlines()
    assert part[2:] == ["Responsiveness 1 Forty minutes on a plastic chair Describes the chest pain",
                        "Assurance 1 The results are explained in jargon Hears the results",
                        "Empathy 1 Nobody says how long it will take Describes the chest pain",
                        "No dimension given 1 The car park costs more than the visit Hears the results"]
    touch = _section(family_text, "Touchpoints\n", "Fail points\n").splitlines()
    assert touch[3:] == ["Triage Describes the chest pain in-person ★ Moment of truth 2.1 −40 −2",
                         "Doctor's review Hears the results in-person ★ Moment of truth 4.2 +30 0"]
    cost = _text(family_pdf, "right").splitlines()           # beside the schedule's table
    # the nurse's discharge letter is waste: 48 x 0.1 h = 4.80 labour + 0.40 direct + 1.20 indirect
    assert "Whole service 55.80 EUR 18.40 EUR 13.95 EUR 88.15 EUR 6.40 EUR" in cost
    assert "Expected cost (weighted by chance) 86.23 EUR" in cost
    assert "Goes home with a leaflet Treat 2h 42m 2h 48m – results normal 70.0 %" in _text(family_pdf, "left")


def test_touchpoints_ranked_by_their_worst_measure() -> None:
    svc = family()
    review = svc.step("review")
    changes = {"review": {"touchpoint": review.touchpoint._replace(csat=1.2)},
               "triage": {"emotion": None, "emotions": ()}}
    worse = edited(svc, changes)
    rows = build_context(worse, measure(worse), (), None).touchpoints
    # csat 1.2 (0.05 of the way up its scale) is worse than triage's csat 2.1 (0.275) and nps −40 (0.3)
    assert [row.name for row in rows] == ["Doctor's review", "Triage"]
    assert [row.csat for row in rows] == ["1.2", "2.1"]


def test_gantt_bars_at_start_and_finish_critical_highlighted() -> None:
    svc = clinic()
    schedule = build_context(svc, measure(svc), (), None).schedule
    assert schedule is not None
    root = ET.fromstring(gantt(schedule.rows, schedule.lead_time_s, ("critical", "other", "sometimes")))
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")][:len(schedule.rows)]
    lefts = [float(r.get("x")) for r in bars]
    rights = [float(r.get("x")) + float(r.get("width")) for r in bars]
    scale = (rights[-1] - lefts[0]) / schedule.lead_time_s
    for row, left, right in zip(schedule.rows, lefts, rights):
        assert abs(left - lefts[0] - row.start_s * scale) < 0.5 and abs(right - lefts[0] - row.finish_s * scale) < 0.5
    assert [r.get("fill") == CRITICAL for r in bars] == [row.critical for row in schedule.rows] == \
        [True, False, True, True]
    assert [r.get("stroke-dasharray") is not None for r in bars] == [False, False, False, True]


def test_a_version_1_file_has_none_of_the_new_sections() -> None:
    html = report(load_service(SAMPLES / "hotel-stay.yaml"), "html").decode("utf-8")
    assert not [section for section in SECTIONS if section in html]
    full = report(family(), "html").decode("utf-8")
    assert all(section in full for section in SECTIONS)


def test_chinese_headings_of_the_new_sections(tmp_path: Path) -> None:
    text = _pdf(tmp_path, replace(family(), lang="zh"), "zh")
    for heading in ("按 SERVQUAL 维度的痛点", "响应性", "未注明维度", "触点", "关键时刻", "满意度", "净推荐值",
                    "时间安排", "预期总时长", "关键路径", "成本", "人工", "间接", "浪费", "预期成本"):
        assert heading in text, heading


def test_cost_chart_parts_in_proportion() -> None:
    svc = family()
    costs = build_context(svc, measure(svc), (), None).costs
    assert costs is not None
    root = ET.fromstring(cost_bars(costs.stages, ("labour", "direct", "indirect", "waste")))
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    treat = [float(r.get("width")) for r in rects[4:8]]          # the second stage: labour, direct, indirect, waste
    unit = treat[0] / costs.stages[1].amounts.labour
    amounts = costs.stages[1].amounts
    assert [round(w / unit, 2) for w in treat] == [round(a, 2) for a in (amounts.labour, amounts.direct,
                                                                       amounts.indirect, amounts.waste)]
    assert amounts.waste == pytest.approx(6.4) and amounts.total == pytest.approx(83.15)


def test_charts_take_the_room_they_have() -> None:
    """Wide charts are 150 + 360 + 150 pt; in a column of A4 landscape ((773.9 - 18) / 2 = 377.9 pt) or on a
    portrait page, the labels and captions narrow to 96 and 84 pt and the bars take what is left; the risk
    matrix's cells narrow to fit a column; the text keeps its size."""
    svc = family()
    context = build_context(svc, measure(svc), (), None)
    costs, schedule = context.costs, context.schedule
    assert costs is not None and schedule is not None
    keys = ("labour", "direct", "indirect", "waste")

    def width(svg: str) -> float:
        return float(ET.fromstring(svg).get("width", "").removesuffix("pt"))

    def sizes(svg: str) -> set[str]:
        return set(re.findall(r'font-size="([\d.]+)"', svg))

    assert width(cost_bars(costs.stages, keys)) == width(cost_bars(costs.stages, keys, 900)) == 660
    assert width(cost_bars(costs.stages, keys, 377.9)) == pytest.approx(377.9, abs=0.1)
    assert width(gantt(schedule.rows, schedule.lead_time_s, ("a", "b", "c"), 527)) == pytest.approx(527, abs=0.1)
    assert sizes(cost_bars(costs.stages, keys, 377.9)) == sizes(cost_bars(costs.stages, keys))
    assert width(risk_matrix(context.fails, "severity", "likelihood")) == 44 + 5 * 62 + 4
    narrow = risk_matrix(context.fails, "severity", "likelihood", 254.5)
    assert width(narrow) == pytest.approx(254.5, abs=0.1)
    assert sizes(narrow) == sizes(risk_matrix(context.fails, "severity", "likelihood"))


def test_portrait_report_keeps_every_word_inside_the_page(tmp_path: Path) -> None:
    """A4 portrait (527 pt across): the charts and the risk matrix beside the tables fit; no word runs past
    the right margin (they did: the stage bars and the matrix were drawn for landscape)."""
    path = tmp_path / "portrait.pdf"
    path.write_bytes(report(load_service(SAMPLES / "hotel-stay.yaml"), "pdf", portrait=True))
    right = 595.28 - 12 * 72 / 25.4
    ends = [float(x) for x in re.findall(r'xMax="([\d.]+)"', tool("pdftotext", "-bbox", path, "-"))]
    assert ends and max(ends) <= right + 0.5


def test_schedule_table_and_cost_side_by_side(tmp_path: Path) -> None:
    """ed-visit: the schedule's step table and the cost by stage share the page under the schedule chart, the cost
    in the right half; its chart stays with it."""
    path = tmp_path / "ed.pdf"
    path.write_bytes(report(load_service(SAMPLES / "ed-visit-older-patient.yaml"), "pdf"))
    pages = tool("pdftotext", "-enc", "UTF-8", path, "-").split("\f")
    schedule = next(number for number, page in enumerate(pages, 1) if page.startswith("Schedule")
                    or "\nSchedule\n" in page)
    words = tool("pdftotext", "-bbox", "-f", str(schedule), "-l", str(schedule), path, "-")
    where = {word: float(x) for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', words)}
    assert where["Cost"] > 841.89 / 2 - 1 > where["Slack"]          # the cost heading in the right half
    assert "Labour" in words and "Waste" in words and "Admitted" in words   # the chart's key, the last step's row
