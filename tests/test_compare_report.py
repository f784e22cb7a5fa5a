"""The comparison report (`diff OLD NEW -o cmp.pdf|cmp.html`): real PDFs read back with poppler, charts parsed."""
from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import SAMPLES, run_cli
from test_report import HOSTILE_YAML, fonts, text_of, tool

PAIRS = Path(__file__).parent / "fixtures" / "compare"
CURRENT, FUTURE = PAIRS / "cafe.yaml", PAIRS / "cafe-future.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def write(old: Path, new: Path, out: Path, *options: str) -> None:
    result = run_cli("diff", old, new, "-o", out, *options)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}\n"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "cmp.pdf"
    write(CURRENT, FUTURE, out)
    return out


def test_the_pdf_reads_back(pdf: Path) -> None:
    text = text_of(pdf)
    for part in ("Comparison: Bistro dinner", "The numbers",
                 "Lead time 1h 45m 1h 13m −32m, −30.5 %", "Value-added ratio 44.8 % 64.4 % +19.6 pp",
                 "Total fail-point risk 12 4 −8, −66.7 %", "Open findings 7 2 −5, −71.4 %",
                 "Time per stage", "Emotion, before and after", "The future blueprint, changes marked",
                 "Steps removed", "Wait for a table Arrive · Guest: Waits at the door · Waiter: Seats the party ahead",
                 "Pay Leave · Guest: Pays by card · Waiter: Fetches the card reader",
                 "Steps added", "Pay at the table Leave · Guest: Taps the card on the handheld",
                 "What changed, step by step", "Wait before Drinks 6m → 3m", "Fail-point risk at Order · Waiter 12 → 4",
                 "Stage Arrive removed", "Findings resolved (5)", "Findings added (0)", "Findings still open (2)",
                 "cafe-future.yaml:20:19 fail point: Order misheard (risk 4)",
                 "Before: fail point: Order misheard (risk 12)",
                 "Step added", "Changed"):
        assert part in text, part
    for field in ("lead_time_s", "wait_s", "fail_risk", "value_added_ratio"):
        assert field not in text
    info = tool("pdfinfo", pdf)
    assert re.search(r"Page size:\s+841.89 x 595.28 pts \(A4\)", info)
    rows = fonts(pdf)
    assert rows and all("Noto-Sans-CJK" in name and emb == "yes" for name, emb in rows)


@pytest.mark.parametrize(("options", "size"), [(("--portrait",), "595.28 x 841.89"),
                                               (("--paper", "letter"), "792 x 612"),
                                               (("--paper", "a3", "--portrait"), "841.89 x 1190.55")])
def test_paper_and_orientation(tmp_path: Path, options: tuple[str, ...], size: str) -> None:
    out = tmp_path / "cmp.pdf"
    write(CURRENT, FUTURE, out, *options)
    assert f"Page size:       {size} pts" in tool("pdfinfo", out)
    assert "Lead time 1h 45m 1h 13m −32m, −30.5 %" in text_of(out)


def test_portrait_comparison_keeps_every_word_inside_the_page(tmp_path: Path) -> None:
    """A4 portrait (527 pt across): the time-per-stage chart, drawn 600 pt wide, ran its captions past the
    right edge; it is drawn for the page's width."""
    out = tmp_path / "cmp.pdf"
    write(CURRENT, FUTURE, out, "--portrait")
    right = 595.28 - 12 * 72 / 25.4
    ends = [float(x) for x in re.findall(r'xMax="([\d.]+)"', tool("pdftotext", "-bbox", out, "-"))]
    assert ends and max(ends) <= right + 0.5


def charts(html: str) -> list[ET.Element]:
    """The SVG charts of the report (data URLs of <img>), parsed; the diagrams' pictures left out."""
    found = []
    for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html):
        svg = base64.b64decode(data)
        if b'font-family="Noto Sans CJK SC" font-size' in svg and b"<g id=" not in svg:
            found.append(ET.fromstring(svg))
    return found


def test_html_charts_old_against_new(tmp_path: Path) -> None:
    out = tmp_path / "cmp.html"
    write(CURRENT, FUTURE, out)
    html = out.read_text(encoding="utf-8")
    assert 'id="future"' in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    bars, emotions = charts(html)
    # per stage an old bar then a new one, as long as the stage's time: Dine 73m -> 70m, Leave 19m -> 3m, Arrive 13m
    widths = [float(rect.get("width", 0)) for rect in bars.iter(f"{SVG}rect")][:6]
    assert widths[0] == pytest.approx(380.0) and widths[1] == pytest.approx(380.0 * 70 / 73, abs=0.01)
    assert widths[2] == pytest.approx(380.0 * 19 / 73, abs=0.01)
    assert widths[3] == pytest.approx(380.0 * 3 / 73, abs=0.01)
    assert widths[4] == pytest.approx(380.0 * 13 / 73, abs=0.01) and widths[5] == 0.5   # gone: a hairline, "–"
    labels = [t.text for t in bars.iter(f"{SVG}text")]
    assert labels[:9] == ["Dine", "1h 13m", "1h 10m", "Leave", "19m", "3m", "Arrive", "13m", "–"]
    # one dashed (old) and one solid (new) curve for the one customer lane, in a legend; steps of both versions
    paths = [p for p in emotions.iter(f"{SVG}path") if p.get("d", "").count("L") > 1]
    assert [p.get("stroke-dasharray") for p in paths] == ["5 3", None]
    old_points = len(paths[0].get("d", "").split("L"))
    new_points = len(paths[1].get("d", "").split("L"))
    assert (old_points, new_points) == (5, 4)
    texts = [t.text for t in emotions.iter(f"{SVG}text")]
    assert "Guest, Before" in texts and "Guest, After" in texts
    assert [t for t in texts if t in ("Wait for a table", "Order", "Drinks", "Meal", "Pay", "Pay at the table")] == [
        "Wait for a table", "Order", "Drinks", "Meal", "Pay", "Pay at the table"]
    future = html.split('id="future"', 1)[1].split("</section>", 1)[0]
    drawn = [base64.b64decode(data).decode("utf-8")
             for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', future)]
    assert len(drawn) == 1 and all(f'id="{ident}"' in drawn[0] for ident in ("changed.order.waiter", "added.tap"))


@pytest.mark.parametrize("broken", ["old", "new"])
def test_an_invalid_version_prints_its_errors_and_writes_no_report(tmp_path: Path, broken: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CURRENT.read_text(encoding="utf-8").replace("emotion: 0", "emoton: 0"), encoding="utf-8")
    out = tmp_path / "cmp.pdf"
    out.write_bytes(b"the old report")
    old, new = (bad, FUTURE) if broken == "old" else (CURRENT, bad)
    result = run_cli("diff", old, new, "-o", out)
    assert result.returncode == 1
    assert f"{bad}:33:9: E003 " in result.stderr and result.stdout == ""
    assert out.read_bytes() == b"the old report"


def test_same_file_report_says_there_is_nothing(tmp_path: Path) -> None:
    out = tmp_path / "cmp.pdf"
    write(CURRENT, CURRENT, out)
    text = text_of(out)
    assert "Steps removed None. Steps added None. What changed, step by step None." in text
    assert "Findings resolved (0) None. Findings added (0) None. Findings still open (7)" in text


def test_chinese_labels(tmp_path: Path) -> None:
    old = SAMPLES / "outpatient-visit.zh.yaml"
    new = tmp_path / "new.zh.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("wait: {expected: 1h30m, tolerance: 30m}",
                                                           "wait: {expected: 40m, tolerance: 30m}"), encoding="utf-8")
    out = tmp_path / "cmp.pdf"
    write(old, new, out)
    text = text_of(out)
    for part in ("对比", "关键数字", "总时长", "各阶段用时", "情绪：之前与之后", "未来服务蓝图（标出改动）", "逐步改动",
                 "之前的等待 1h 30m → 40m", "已解决的发现 (0)", "新增的发现 (0)",
                 "expected wait 40m exceeds the tolerance of 30m",
                 "之前: expected wait 1h 30m exceeds the tolerance of 30m"):
        assert part in text, part


def test_user_text_never_becomes_markup(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(HOSTILE_YAML, encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(HOSTILE_YAML.replace("emotion: -2", "emotion: 1"), encoding="utf-8")
    out = tmp_path / "cmp.html"
    write(old, new, out)
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "<style>@import" not in html and 'rel="attachment"' not in html
    pdf = tmp_path / "cmp.pdf"
    write(old, new, pdf)
    text = text_of(pdf)
    assert 'Emotion at <a rel="attachment" href="file:///etc/passwd">x</a> −2 → +1' in text
    assert "Comparison: <script>alert(1)</script>" in text
    assert "49" not in text
    assert re.search(rb"/EmbeddedFiles|/Filespec|/URI", pdf.read_bytes()) is None


def test_format_1_1_headline_and_one_curve_pair_per_customer_lane(tmp_path: Path) -> None:
    from blueprint.api import check_file

    assert check_file(PAIRS / "clinic.yaml").valid and check_file(PAIRS / "clinic-future.yaml").valid
    out = tmp_path / "cmp.html"
    write(PAIRS / "clinic.yaml", PAIRS / "clinic-future.yaml", out)
    html = out.read_text(encoding="utf-8")
    _, emotions = charts(html)
    texts = [t.text for t in emotions.iter(f"{SVG}text")]
    assert [t for t in texts if "," in (t or "")] == ["Patient, Before", "Patient, After", "Carer, Before",
                                                      "Carer, After"]
    # blood and xray give no emotion: the patient's curve breaks there (only the legend's swatches are lines)
    assert {p.get("d") for p in emotions.iter(f"{SVG}path")} == {"M0.0 4.0 L18.0 4.0"}
    assert len(list(emotions.iter(f"{SVG}circle"))) == 6       # patient 2 + 2, carer 1 + 1
    pdf = tmp_path / "cmp.pdf"
    write(PAIRS / "clinic.yaml", PAIRS / "clinic-future.yaml", pdf)
    text = text_of(pdf)
    for row in ("Lead time 37m 37m", "Expected lead time 36m 12s 36m 6s −6s, −0.3 %",
                "Value-added ratio 16.2 % 16.2 %", "Cost 75.50 EUR 65.50 EUR −10.00 EUR, −13.2 %",
                "Cost of waste 0.00 EUR 0.00 EUR", "Total fail-point risk 0 0", "Open findings 2 1 −1, −50.0 %"):
        assert row in text, row
