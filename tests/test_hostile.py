"""The hostile corpus through the real command line: exit codes, located findings, no traceback, no injection."""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from blueprint.api import check_bytes
from blueprint.loader import MAX_BYTES
from blueprint.report.template import report_script

from support import BLUEPRINT, ROOT, run_cli

HOSTILE = Path(__file__).parent / "hostile"
_EXPECT = re.compile(r"# expect: exit=(?P<exit>[012])(?: (?P<code>[A-Z]\d{3}) (?P<line>\d+):(?P<column>\d+))?"
                     r"(?P<render> render)?$")
_FINDING_LINE = re.compile(r"^.+:\d+:\d+: [A-Z]\d{3} \S.*$")
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\x00-\x08\x0b\x0c\x0e-\x1f]")
_OUR_ID = re.compile(r"^(graph0|node\d+|edge\d+|clust\d+|a_(node|edge|clust)\d+|[a-z]+(\.[A-Za-z0-9_-]+)*)$")


@dataclass(frozen=True)
class Case:
    path: Path
    exit: int
    code: str | None
    line: int
    column: int
    render: bool
    literals: tuple[str, ...]


def _header_lines(raw: bytes) -> list[str]:
    """The leading comment lines, in whatever encoding the file is (UTF-8, UTF-16 with BOM, Latin-1)."""
    for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig")):
        if raw.startswith(bom):
            text = raw.decode(codec)
            break
    else:
        text = raw[:200_000].decode("utf-8", "replace")
    return [line for line in text.splitlines()[:12] if line.startswith("# ")]


def _case(path: Path) -> Case:
    header = _header_lines(path.read_bytes())
    match = _EXPECT.fullmatch(header[0]) if header else None
    assert match, f"{path.name} must start with '# expect: exit=N [CODE LINE:COL] [render]'"
    literals = tuple(line.removeprefix("# literal: ") for line in header if line.startswith("# literal: "))
    return Case(path, int(match["exit"]), match["code"], int(match["line"] or 0), int(match["column"] or 0),
                bool(match["render"]), literals)


CASES = [_case(path) for path in sorted(HOSTILE.glob("*.yaml"))]
RENDERED = [case for case in CASES if case.render]


def _id(case: Case) -> str:
    return case.path.name


def test_the_corpus_covers_every_kind_of_hostile_input() -> None:
    kinds = {case.path.name.split("-")[0] for case in CASES}
    assert len(CASES) >= 30
    assert kinds == {"yaml", "schema", "inject"}
    assert len(RENDERED) >= 6
    assert all(case.literals for case in RENDERED), "every injection file names the text it must show literally"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_check_gives_the_expected_exit_and_located_finding(case: Case) -> None:
    result = run_cli("check", case.path, timeout=30)
    assert "Traceback" not in result.stderr
    assert result.returncode == case.exit, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert all(_FINDING_LINE.match(line) for line in lines), lines
    if case.code:
        assert any(line.startswith(f"{case.path}:{case.line}:{case.column}: {case.code} ") for line in lines), lines
    else:
        assert not any(": E" in line for line in lines), lines


@pytest.mark.parametrize("case", [case for case in CASES if case.exit == 1], ids=_id)
def test_metrics_refuses_an_invalid_file_with_the_same_finding(case: Case) -> None:
    result = run_cli("metrics", case.path, timeout=30)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert f"{case.path}:{case.line}:{case.column}: {case.code} " in result.stderr


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_every_file_is_judged_in_under_a_second(case: Case) -> None:
    raw = case.path.read_bytes()
    started = time.monotonic()
    document = check_bytes(raw, case.path.name)
    assert time.monotonic() - started < 1.0
    assert document.valid == (case.exit == 0)


def _texts(svg: ET.Element) -> str:
    """All drawn text, in document order, without whitespace (our wrapping breaks lines at spaces)."""
    return "".join("".join(element.itertext()) for element in svg.iter() if element.tag.endswith("}text"))


def _assert_safe_svg(svg_bytes: bytes) -> ET.Element:
    root = ET.fromstring(svg_bytes)  # well-formed XML, or this raises
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        assert local not in {"script", "foreignObject", "image", "iframe", "use"}, local
        for name, value in element.attrib.items():
            assert not name.rsplit("}", 1)[-1].lower().startswith(("href", "on")), (name, value)
            if name == "id":
                assert _OUR_ID.match(value), value
    assert not _INVISIBLE.search(_texts(root))
    return root


@pytest.mark.parametrize("case", RENDERED, ids=_id)
def test_svg_is_well_formed_inert_and_shows_the_text_literally(case: Case, tmp_path: Path) -> None:
    result = run_cli("render", case.path, "-f", "svg", "-o", tmp_path, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    shown = ""
    for view in ("blueprint", "journey"):
        shown += _texts(_assert_safe_svg((tmp_path / f"{case.path.stem}.{view}.svg").read_bytes()))
    flat = re.sub(r"\s+", "", shown)
    for literal in case.literals:
        assert re.sub(r"\s+", "", literal) in flat, literal


def _statements(dot: str, pattern: str) -> int:
    return len(re.findall(pattern, dot, re.MULTILINE))


@pytest.mark.parametrize("case", RENDERED, ids=_id)
def test_dot_has_exactly_the_nodes_we_generate(case: Case, tmp_path: Path) -> None:
    result = run_cli("render", case.path, "-f", "dot", "-o", tmp_path, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    for view in ("blueprint", "journey"):
        dot = (tmp_path / f"{case.path.stem}.{view}.dot").read_text(encoding="utf-8")
        # Graphviz's own reading of our DOT: every object and edge it finds is one we wrote
        drawn = subprocess.run(["dot", "-Tjson0"], input=dot, capture_output=True, text=True, check=True, timeout=60)
        assert drawn.stderr == "", drawn.stderr  # not even a warning
        parsed = json.loads(drawn.stdout)
        assert parsed.get("layout") == "nop2" and parsed.get("splines") != "ortho"  # what Graphviz 2.43 draws safely
        objects = parsed.get("objects", [])
        nodes = [o for o in objects if "nodes" not in o and "edges" not in o and not o["name"].startswith("cluster")]
        clusters = [o for o in objects if o["name"].startswith("cluster")]
        assert all(re.fullmatch(r"n\d+", node["name"]) for node in nodes)
        assert all(re.fullmatch(r"cluster_\d+", cluster["name"]) for cluster in clusters)
        assert len(nodes) == _statements(dot, r"^n\d+ \[")
        assert len(clusters) == _statements(dot, r"^subgraph cluster_\d+ \{")
        assert len(parsed.get("edges", [])) == _statements(dot, r"^n\d+ -> n\d+ \[")
        for item in objects + parsed.get("edges", []):
            assert not {"image", "URL", "href", "shapefile", "imagepath"} & set(item), item


@pytest.mark.parametrize("case", RENDERED, ids=_id)
def test_png_and_pdf_render_without_links_or_attachments(case: Case, tmp_path: Path) -> None:
    for fmt, magic in (("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")):
        result = run_cli("render", case.path, "-f", fmt, "-o", tmp_path, timeout=120)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        for view in ("blueprint", "journey"):
            data = (tmp_path / f"{case.path.stem}.{view}.{fmt}").read_bytes()
            assert data.startswith(magic)
            for marker in (b"/URI", b"/Launch", b"/EmbeddedFile", b"/JavaScript"):
                assert marker not in data


def _has_report() -> bool:
    return run_cli("report", "--help").returncode == 0


class _Html(HTMLParser):
    """Tags, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


_OUR_IMAGE = re.compile(r"data:image/(svg\+xml|png);base64,([A-Za-z0-9+/=]+)")


@pytest.mark.parametrize("case", RENDERED, ids=_id)
def test_report_html_and_pdf_keep_the_text_inert(case: Case, tmp_path: Path) -> None:
    if not _has_report():
        pytest.skip("the report command does not exist yet")
    html_path, pdf_path = tmp_path / "r.html", tmp_path / "r.pdf"
    for out in (html_path, pdf_path):
        result = run_cli("report", case.path, "-o", out, timeout=300)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    html = html_path.read_text(encoding="utf-8")
    page = _Html()
    page.feed(html)
    assert not page.tags & {"iframe", "object", "embed", "link", "base", "form"}, page.tags
    # one script, ours, and the diagrams as inline SVG held to the same rules as an SVG file
    assert html.count("<script") == 1 and html.split("<script>", 1)[1].split("</script>", 1)[0] == report_script()
    inline = re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert len(inline) == 2
    for svg in inline:
        _assert_safe_svg(svg.encode("utf-8"))
    for name, value in page.attributes:
        assert not name.startswith("on"), name
        if name == "href":
            assert re.fullmatch(r"#[A-Za-z0-9_.-]+", value), value
        elif name == "src":
            image = _OUR_IMAGE.fullmatch(value)
            assert image, value[:80]
            if image[1] == "svg+xml":
                _assert_safe_svg(base64.b64decode(image[2]))
        else:
            assert not any(literal in value for literal in case.literals if len(literal) > 1), (name, value)
    document = check_bytes(case.path.read_bytes(), case.path.name)
    assert document.service is not None
    title = re.sub(r"\s+", "", document.service.title)[:40]
    assert title in re.sub(r"\s+", "", "".join(page.text))
    pdf = pdf_path.read_bytes()
    for marker in (b"/EmbeddedFile", b"/Launch", b"/JavaScript", b"/URI (javascript", b"/URI (file"):
        assert marker not in pdf


# Resource limits: files too big to keep in the repository are made here.

def test_a_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"blueprint: 1\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    result = run_cli("check", path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{path}:1:1: E004 the file is over the size limit of 10 MB")


def test_an_endless_input_is_refused_without_reading_it_all() -> None:
    result = run_cli("check", "/dev/zero", timeout=30)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith("/dev/zero:1:1: E004 the file is over the size limit of 10 MB")


def _generated(tmp_path: Path, steps: int) -> Path:
    from importlib import util

    spec = util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / f"generated-{steps}.yaml"
    path.write_text(module.service_yaml(steps), encoding="utf-8")
    return path


def test_checking_scales_linearly_to_ten_thousand_steps(tmp_path: Path) -> None:
    """A guard against slow-downs (the target is 2 s for `check`: see bench/bench_check.py for figures)."""
    seconds = {}
    for steps in (1_000, 10_000):
        raw = _generated(tmp_path, steps).read_bytes()
        started = time.process_time()
        document = check_bytes(raw, "big.yaml")
        seconds[steps] = time.process_time() - started
        assert document.valid and len(document.service.steps) == steps
    assert seconds[10_000] < 4.0
    assert seconds[10_000] < 15 * seconds[1_000]


_STAGE = "blueprint: 1\ntitle: x\nstages:\n  - id: s\n    title: S\n    steps:\n"
_FLOODS = {
    "unknown-keys": ("blueprint: 1\ntitle: x\nstages: [{id: s, title: S, steps: [{id: a}]}]\n"
                     + "".join(f"key{i}: v\n" for i in range(50_000)), "E003", 50_000),
    "bad-duplicate-steps": (_STAGE + "      - {id: a, emotion: 9}\n" * 50_000, "E004", 50_000),
    "dangling-references": (_STAGE + "".join(f"      - {{id: s{i}, actions: {{customer: x}}}}\n" for i in range(2_000))
                            + "flows:\n" + "".join(f"  - {{from: s1, to: t{i}}}\n" for i in range(20_000)),
                            "E103", 20_000),
}


@pytest.mark.parametrize("name", _FLOODS)
def test_a_flood_of_errors_is_reported_in_bounded_time(name: str) -> None:
    text, code, count = _FLOODS[name]
    started = time.process_time()
    document = check_bytes(text.encode("utf-8"), f"{name}.yaml")
    assert time.process_time() - started < 5.0
    assert sum(finding.code == code for finding in document.findings) == count


def test_too_many_steps_for_one_page_is_a_clear_refusal(tmp_path: Path) -> None:
    result = run_cli("render", _generated(tmp_path, 1001), "-o", tmp_path / "out", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "too large for one page" in result.stderr and "split by stage" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("view", ["blueprint", "journey"])
def test_a_thousand_steps_render_in_bounded_time(view: str, tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_cli("render", _generated(tmp_path, 1000), "--view", view, "-o", tmp_path, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60
    _assert_safe_svg((tmp_path / f"generated-1000.{view}.svg").read_bytes())


# The file system: bad paths are usage errors (exit 2) with a clear message, before any work.

def test_missing_input_is_exit_2(tmp_path: Path) -> None:
    for command in ("check", "metrics", "render"):
        result = run_cli(command, tmp_path / "nowhere.yaml")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "nowhere.yaml" in result.stderr and "no such file" in result.stderr


def test_a_dangling_symlink_as_input_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "link.yaml").symlink_to(tmp_path / "gone.yaml")
    result = run_cli("metrics", tmp_path / "link.yaml")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_a_folder_where_a_file_is_expected_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("metrics", tmp_path)
    assert result.returncode == 2 and "is a directory" in result.stderr and "Traceback" not in result.stderr


def test_render_to_a_file_instead_of_a_folder_is_exit_2(tmp_path: Path, minimal_file: Path) -> None:
    result = run_cli("render", minimal_file, "-o", minimal_file)
    assert result.returncode == 2 and "-o must be a folder" in result.stderr


def test_an_output_path_that_is_a_directory_is_exit_2_before_any_work(tmp_path: Path, minimal_file: Path) -> None:
    out = tmp_path / "out"
    (out / "minimal.journey.svg").mkdir(parents=True)
    result = run_cli("render", minimal_file, "-o", out)
    assert result.returncode == 2 and "output path is a directory" in result.stderr
    assert not (out / "minimal.blueprint.svg").exists()


def test_two_inputs_mapped_to_one_output_is_exit_2_before_any_work(tmp_path: Path, minimal_file: Path) -> None:
    other = tmp_path / "other" / "minimal.yaml"
    other.parent.mkdir()
    other.write_bytes(minimal_file.read_bytes())
    result = run_cli("render", minimal_file, other, "-o", tmp_path / "out")
    assert result.returncode == 2 and "would write this file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_folder_below_a_file_is_exit_2(tmp_path: Path, minimal_file: Path) -> None:
    result = run_cli("render", minimal_file, "-f", "dot", "-o", minimal_file / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_symlinked_output_is_replaced_not_followed(tmp_path: Path, minimal_file: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / "minimal.blueprint.dot").symlink_to(victim)
    result = run_cli("render", minimal_file, "-f", "dot", "--view", "blueprint", "-o", out)
    assert result.returncode == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (out / "minimal.blueprint.dot").is_symlink()
    assert (out / "minimal.blueprint.dot").read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path, fmt: str) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.yaml"))
    path.write_bytes(b"blueprint: 2\n")
    result = subprocess.run([str(BLUEPRINT), "check", path, "--format", fmt], capture_output=True, timeout=60)
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
    assert b"E010" in result.stdout


@pytest.mark.parametrize("fmt", ["dot", "svg", "png", "pdf"])
def test_rendering_twice_is_byte_identical(tmp_path: Path, fmt: str) -> None:
    source = HOSTILE / "inject-unicode.yaml"
    outputs = []
    for run in ("a", "b"):
        result = run_cli("render", source, "-f", fmt, "-o", tmp_path / run)
        assert result.returncode == 0, result.stderr
        outputs.append([(tmp_path / run / f"inject-unicode.{view}.{fmt}").read_bytes()
                        for view in ("blueprint", "journey")])
    assert outputs[0] == outputs[1]
