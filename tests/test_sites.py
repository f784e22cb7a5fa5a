"""The rules both documentation-site integrations share: paths, block options, inline SVG, the cache."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from blueprint.findings import UsageError
from blueprint.sites import Block, Site, inline_svg, parse_block, resolve_inside
from site_support import INVALID, counting_dot, dot_calls, edit_service
from support import SAMPLES

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "services").mkdir(parents=True)
    (tmp_path / "docs" / "services" / "hotel.yaml").write_bytes((SAMPLES / "hotel-stay.yaml").read_bytes())
    (tmp_path / "outside.yaml").write_text("blueprint: 1\ntitle: Secret outside\n", encoding="utf-8")
    return tmp_path / "docs"


def test_a_path_inside_the_folder_resolves(root: Path) -> None:
    assert resolve_inside(root, "services/hotel.yaml") == (root / "services" / "hotel.yaml").resolve()
    assert resolve_inside(root, "services/../services/hotel.yaml") == (root / "services" / "hotel.yaml").resolve()


@pytest.mark.parametrize("reference", ["../outside.yaml", "services/../../outside.yaml", "../../etc/passwd",
                                       "/etc/passwd", "C:\\Windows\\win.ini", "", "a\0b"])
def test_a_path_that_leaves_the_folder_is_refused(root: Path, reference: str) -> None:
    with pytest.raises(UsageError):
        resolve_inside(root, reference)


def test_a_symlink_that_points_out_is_refused(root: Path) -> None:
    (root / "services" / "link.yaml").symlink_to(root.parent / "outside.yaml")
    (root / "services" / "up").symlink_to(root.parent)
    for reference in ("services/link.yaml", "services/up/outside.yaml"):
        with pytest.raises(UsageError, match="leaves the services folder"):
            resolve_inside(root, reference)


def test_block_options() -> None:
    assert parse_block("file: services/hotel.yaml\nview: journey\n") == \
        Block(view="journey", file="services/hotel.yaml")
    assert parse_block("# the stay\nfile: 'a b.yaml'") == Block(view="blueprint", file="a b.yaml")
    for body, message in (("view: journey", "needs a `file:`"), ("file: a.yaml\nview: map", "view 'map'"),
                          ("file: a.yaml\nsize: 3", "holds `file:` and `view:`")):
        with pytest.raises(UsageError, match=message):
            parse_block(body)


def test_an_inline_service_keeps_its_line_numbers_without_the_view_line() -> None:
    body = "blueprint: 1\nview: journey\ntitle: T\n"
    assert parse_block(body) == Block(view="journey", source="blueprint: 1\n\ntitle: T\n")
    indented = "    blueprint: 1\n    title: T\n    view: journey\n"
    assert parse_block(indented) == Block(view="journey", source="    blueprint: 1\n    title: T\n\n")


def test_inline_svg_has_no_prologue_and_keeps_the_ids(root: Path, tmp_path: Path) -> None:
    diagram = Site(root, tmp_path / "cache").file_diagram("services/hotel.yaml", "journey")
    assert diagram.warnings == [] and diagram.infos        # the sample raises flags: info, not warnings
    svg = diagram.html.split(">", 1)[1].rsplit("</div>", 1)[0]
    assert not any(part in svg for part in ("<?xml", "<!DOCTYPE", "<!--"))
    tree = ET.fromstring(svg)
    ids = {element.get("id") for element in tree.iter()}
    assert {"stage.book", "step.search", "emotion.search", "touchpoint.search", "pain.lobby-queue"} <= ids
    assert tree.tag == f"{SVG_NS}svg"
    assert inline_svg(b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- x -->\n<svg/>') == "<svg/>"


def test_an_invalid_service_gives_warnings_at_its_place(root: Path, tmp_path: Path) -> None:
    diagram = Site(root, tmp_path / "cache").diagram(INVALID.encode(), "page.md", "blueprint", first_line=11)
    assert len(diagram.warnings) == 1 and diagram.warnings[0].startswith("page.md:19:9: E003 ")
    assert diagram.html.startswith('<pre class="blueprint-error">')


def test_flags_become_warnings_only_when_asked(root: Path, tmp_path: Path) -> None:
    loud = Site(root, tmp_path / "cache", flags_as_warnings=True).file_diagram("services/hotel.yaml", "blueprint")
    assert any(" G502 " in message for message in loud.warnings)      # a warning flag
    assert all(" L601 " not in message for message in loud.warnings)    # info stays info
    assert any(" L601 " in message for message in loud.infos)


def test_the_cache_is_keyed_by_content_and_view(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environment, calls = counting_dot(tmp_path)
    monkeypatch.setenv("PATH", environment["PATH"])
    site = Site(root, tmp_path / "cache")
    first = site.file_diagram("services/hotel.yaml", "journey").html
    assert dot_calls(calls) == 1
    assert Site(root, tmp_path / "cache").file_diagram("services/hotel.yaml", "journey").html == first
    assert dot_calls(calls) == 1
    site.file_diagram("services/hotel.yaml", "blueprint")
    assert dot_calls(calls) == 2
    path = root / "services" / "hotel.yaml"
    edit_service(path)
    site.file_diagram("services/hotel.yaml", "blueprint")
    assert dot_calls(calls) == 3
