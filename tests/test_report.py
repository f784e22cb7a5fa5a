"""The workshop report: real PDFs read back with poppler (pdftotext, pdffonts, pdfinfo, pdfdetach)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT, SAMPLES, run_cli

from blueprint.api import check_file
from blueprint.formats import as_text
from blueprint.metrics import measure
from blueprint.report import report
from blueprint.report.fetcher import allowed, assets_root
from blueprint.report.template import report_script

HEADINGS_EN = ["Customer journey map", "Service blueprint", "Pain points", "Fail points", "Wait points", "Metrics",
               "Risk matrix", "Opportunities", "All findings"]
SIDE_BY_SIDE = ("Wait points", "Metrics", "Risk matrix")       # in two columns: any reading order
HEADINGS_ZH = ["顾客旅程图", "服务蓝图", "痛点", "失败点", "风险矩阵", "等待点", "指标", "改进机会", "全部发现"]
HOSTILE = ["<script>alert(1)</script>", "{{ 7*7 }}", "file:///etc/passwd", "javascript:alert(1)",
           '<a rel="attachment" href="file:///etc/passwd">x</a>', "<style>@import url(http://127.0.0.1:9/x.css)</style>",
           "url(file:///etc/passwd)"]
HOSTILE_YAML = """\
blueprint: 1
title: '<script>alert(1)</script>'
summary: '{{ 7*7 }}'
persona:
  name: 'javascript:alert(1)'
  about: '<a rel="attachment" href="file:///etc/passwd">x</a>'
  goals: ['<style>@import url(http://127.0.0.1:9/x.css)</style>']
  needs: ['url(file:///etc/passwd)']
stages:
  - id: visit
    title: 'file:///etc/passwd'
    steps:
      - id: enter
        emotion: -2
        pain: '<script>alert(1)</script>'
        opportunity: '{{ 7*7 }}'
        actions:
          customer: '<a rel="attachment" href="file:///etc/passwd">x</a>'
          frontstage:
            text: 'javascript:alert(1)'
            fail: {what: 'file:///etc/passwd', severity: 3, likelihood: 3, mitigation: '{{ 7*7 }}'}
"""


def tool(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True, timeout=60).stdout


def text_of(pdf: Path) -> str:
    """pdftotext in reading order, with runs of spaces and line ends folded (tables lay words out apart)."""
    return " ".join(tool("pdftotext", "-enc", "UTF-8", pdf, "-").split())


def info(pdf: Path) -> dict[str, str]:
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in tool("pdfinfo", pdf).splitlines())}


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """pdffonts rows as (font name, emb), the column found by its header."""
    header, _, *rows = tool("pdffonts", pdf).splitlines()
    emb = header.index(" emb") + 1
    return [(row.split()[0], row[emb:emb + 3]) for row in rows]


def make(tmp: Path, source: Path, name: str, *options: str, env: dict[str, str] | None = None) -> Path:
    out = tmp / name
    result = subprocess.run([str(Path(sys.executable).parent / "blueprint"), "report", str(source), "-o", str(out),
                             *options], capture_output=True, text=True, timeout=180,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def hotel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("hotel"), SAMPLES / "hotel-stay.yaml", "hotel.pdf", "--date", "2026-03-04")


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("zh"), SAMPLES / "outpatient-visit.zh.yaml", "zh.pdf")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.yaml"
    source.write_text(HOSTILE_YAML, encoding="utf-8")
    return make(folder, source, "hostile.pdf"), make(folder, source, "hostile.html")


def test_contents_in_order(hotel: Path) -> None:
    text = text_of(hotel)
    positions = []
    for heading in [h for h in HEADINGS_EN if h not in SIDE_BY_SIDE]:     # each after the one before (diagram rows
        positions.append(text.find(heading, positions[-1] + 1 if positions else 0))   # reuse some of the words)
        assert positions[-1] != -1, heading
    for heading in SIDE_BY_SIDE:        # between the fail points and the opportunities
        assert positions[3] < text.find(heading, positions[3]) < positions[4], heading
    tables = text.find("Pain points", text.rindex("Service blueprint"))
    assert tables == positions[2]
    assert text.startswith("Hotel stay")
    # the rest of the cover is on a journey page (above the first figure or under a later one) or opens the tables
    about = text[:positions[1]] if "Priya Raman" in text[:positions[1]] else \
        text[text.rindex("Service blueprint"):tables]
    for expected in ("Priya Raman", "Goals", "Needs", "2026-03-04", "warnings", "Legend"):
        assert expected in about, expected


def test_fail_points_ranked_by_risk_then_rpn(hotel: Path) -> None:
    service = check_file(SAMPLES / "hotel-stay.yaml").service
    assert service is not None
    fails = measure(service).fail_points
    expected = sorted(fails, key=lambda f: (f.fail.risk is None, -(f.fail.risk or 0), -(f.fail.rpn or 0)))
    text = text_of(hotel)
    section = text[text.index("Fail points"):text.index("Wait points")]
    found = [section.find(" ".join(f.fail.what.split())) for f in expected]
    assert -1 not in found and found == sorted(found), [f.fail.what for f in expected]
    assert expected[0].fail.risk != expected[-1].fail.risk       # the sample really ranks something
    assert "none" in section                                     # a missing mitigation says so


def test_pains_worst_emotion_first(hotel: Path) -> None:
    html = report(check_file(SAMPLES / "hotel-stay.yaml"), "html").decode()
    pains = html[html.index('id="pains"'):html.index('id="fails"')]
    emotions = [int(e.replace("\u2212", "-")) for e in re.findall(r'class="n emotion e-?\d">([^<]+)<', pains)]
    assert len(emotions) == 6 and emotions == sorted(emotions) and emotions[0] < emotions[-1]


def test_fonts_embedded_and_a4_landscape(hotel: Path) -> None:
    rows = fonts(hotel)
    assert rows and all(embedded == "yes" for _, embedded in rows), rows
    assert info(hotel)["Page size"].startswith("841.89 x 595.28")
    assert info(hotel)["Title"] == "Hotel stay"


@pytest.mark.parametrize("options, size", [(("--paper", "a3", "--portrait"), "841.89 x 1190.55"),
                                           (("--paper", "letter"), "792 x 612")])
def test_paper_sizes(tmp_path: Path, options: tuple[str, ...], size: str) -> None:
    pdf = make(tmp_path, ROOT / "tests" / "fixtures" / "format-example.yaml", "r.pdf", *options)
    assert info(pdf)["Page size"].startswith(size)


def test_chinese_text_headings_and_fonts(chinese: Path) -> None:
    text = text_of(chinese)
    for heading in HEADINGS_ZH:
        assert heading in text, heading
    for expected in ("医院门诊就诊", "王秀兰", "缓解措施", "无"):
        assert expected in text, expected
    rows = fonts(chinese)
    assert any("Noto-Sans-CJK-SC" in name for name, _ in rows) and all(embedded == "yes" for _, embedded in rows)


def test_big_sample_printed_legibly_in_step_runs(tmp_path: Path) -> None:
    source = SAMPLES / "big-60-steps.yaml"
    pdf = make(tmp_path, source, "big.pdf")
    pages = int(info(pdf)["Pages"])
    assert 12 <= pages <= 43          # 43 before diagrams were printed in step runs
    text = text_of(pdf)
    assert text.count("Customer actions") >= 10 and text.count("continued") >= 10


def test_hostile_text_literal_never_markup_fetched_or_attached(hostile: tuple[Path, Path]) -> None:
    pdf, html_file = hostile
    text = text_of(pdf)
    for literal in HOSTILE:
        assert " ".join(literal.split()) in text, literal
    assert "49" not in text
    html = html_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and html.count("<script") == 1   # ours only
    assert html.split("<script>", 1)[1].split("</script>", 1)[0] == report_script()
    assert "&lt;a rel=&#34;attachment&#34;" in html and 'rel="attachment"' not in html
    assert "{{ 7*7 }}" in html and "<style>@import" not in html
    assert "0 embedded files" in tool("pdfdetach", "-list", pdf) or tool("pdfdetach", "-list", pdf).strip() == ""
    assert re.search(rb"/EmbeddedFiles|/Filespec|/URI", pdf.read_bytes()) is None


def test_allow_list() -> None:
    root = assets_root()
    assert allowed("data:image/svg+xml;base64,PHN2Zy8+", root)
    assert allowed((root / "report.css").as_uri(), root)
    for url in ("file:///etc/passwd", (root / ".." / ".." / "pyproject.toml").as_uri(), "http://127.0.0.1/x",
                "https://example.com/", "javascript:alert(1)", "ftp://x/y", "file://host/etc/passwd"):
        assert not allowed(url, root), url


def test_weasyprint_refuses_what_the_allow_list_refuses() -> None:
    from blueprint.findings import UsageError
    from blueprint.report.pdf import html_to_pdf

    with pytest.raises(UsageError, match="refused"):
        html_to_pdf('<a rel="attachment" href="file:///etc/passwd">x</a><img src="file:///etc/passwd">')
    assert html_to_pdf('<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnLz4=">')


def test_findings_as_check_prints_them() -> None:
    document = check_file(SAMPLES / "bank-account-online.yaml")
    html = report(document, "html").decode()
    section = html[html.index('id="findings"'):]
    rows = re.findall(r'<td class="code">(?:<a class="target" href="#[^"]+">)?([^<]+)(?:</a>)?</td>'
                      r'<td class="location">([^<]+)</td><td>([^<]*)</td>', section)
    assert any('<a class="target" href="#a.' in row for row in section.split("<tr")[1:])
    import html as markup

    printed = [f"{location} {code} {markup.unescape(message)}" for code, location, message in rows]
    assert printed == [line.replace(": ", " ", 1) for line in as_text(document.findings).splitlines()]


def test_date_only_when_given_and_reproducible(tmp_path: Path) -> None:
    source = ROOT / "tests" / "fixtures" / "format-example.yaml"
    env = {"SOURCE_DATE_EPOCH": "1767225600"}            # 2026-01-01
    first = make(tmp_path, source, "a.pdf", env=env)
    second = make(tmp_path, source, "b.pdf", env=env)
    assert first.read_bytes() == second.read_bytes()
    assert "2026-01-01" in text_of(first)
    plain = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    bare = tmp_path / "c.html"
    subprocess.run([str(Path(sys.executable).parent / "blueprint"), "report", str(source), "-o", str(bare)],
                   check=True, env=plain, capture_output=True)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", bare.read_text(encoding="utf-8").split('id="cover"', 1)[1][:2000])
    assert run_cli("report", source, "-o", tmp_path / "d.pdf", "--date", "tomorrow").returncode == 2


def test_bad_suffix_and_invalid_file(tmp_path: Path) -> None:
    source = ROOT / "tests" / "fixtures" / "format-example.yaml"
    result = run_cli("report", source, "-o", tmp_path / "r.docx")
    assert result.returncode == 2 and ".pdf or .html" in result.stderr
    invalid = ROOT / "tests" / "fixtures" / "invalid" / "E107-bad-duration.yaml"
    result = run_cli("report", invalid, "-o", tmp_path / "r.pdf")
    assert result.returncode == 1 and "E107" in result.stderr and not (tmp_path / "r.pdf").exists()


def test_existing_report_kept_when_the_new_one_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from blueprint import cli
    from blueprint.findings import UsageError
    from blueprint.report import pdf

    source = ROOT / "tests" / "fixtures" / "format-example.yaml"
    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF-old report")
    invalid = ROOT / "tests" / "fixtures" / "invalid" / "E001-syntax.yaml"
    assert run_cli("report", invalid, "-o", out).returncode == 1
    assert out.read_bytes() == b"%PDF-old report"

    def broken(html: str) -> bytes:
        raise UsageError("WeasyPrint failed halfway")
    monkeypatch.setattr(pdf, "lay_out", broken)
    result = CliRunner().invoke(cli.app, ["report", str(source), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert out.read_bytes() == b"%PDF-old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]          # no temporary file left behind


def test_weasyprint_imported_only_for_a_pdf() -> None:
    code = ("import sys; from pathlib import Path; import blueprint.cli; from blueprint.api import check_file; "
            "from blueprint.report import report; "
            f"report(check_file(Path({str(ROOT / 'tests/fixtures/format-example.yaml')!r})), 'html'); "
            "print('weasyprint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
