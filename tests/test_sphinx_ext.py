"""The Sphinx extension, through real `sphinx-build` runs of a small project."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_support import INVALID, SECRET, counting_dot, dot_calls, edit_service, plant_outside, svg_ids
from support import SAMPLES

INDEX = """\
The stay
========

.. blueprint:: services/hotel.yaml
   :view: journey

.. blueprint:: services/hotel.yaml
"""


def make_project(folder: Path, index: str = INDEX, conf: str = "") -> Path:
    (folder / "services").mkdir(parents=True, exist_ok=True)
    (folder / "services" / "hotel.yaml").write_bytes((SAMPLES / "hotel-stay.yaml").read_bytes())
    (folder / "index.rst").write_text(index, encoding="utf-8")
    (folder / "conf.py").write_text(f'extensions = ["blueprint.sphinx"]\n{conf}', encoding="utf-8")
    return folder


def sphinx(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", *args, ".", "_build"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=180)


def page_ids(project: Path) -> list[set[str]]:
    return svg_ids((project / "_build" / "index.html").read_text(encoding="utf-8"))


def test_the_directive_puts_inline_svg_with_the_element_ids(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = sphinx(project, "-W")
    assert result.returncode == 0, result.stderr
    journey, blueprint = page_ids(project)
    assert {"stage.book", "step.search", "touchpoint.search", "emotion.search", "pain.lobby-queue"} <= journey
    assert {"lane.guest", "line.interaction", "a.search.guest", "fail.book-room.payments"} <= blueprint
    assert "P101 pain point" in result.stdout      # flags are info


def test_an_invalid_file_fails_the_warnings_as_errors_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, "Bad\n===\n\n.. blueprint:: services/bad.yaml\n")
    (project / "services" / "bad.yaml").write_text(INVALID, encoding="utf-8")
    result = sphinx(project, "-W")
    assert result.returncode != 0
    assert re.search(r"index\.rst:4: WARNING: services/bad\.yaml:9:9: E003 unknown key", result.stderr), result.stderr
    assert sphinx(project).returncode == 0


def test_flags_are_warnings_when_the_option_is_set(tmp_path: Path) -> None:
    project = make_project(tmp_path, conf="blueprint_flags_as_warnings = True\n")
    result = sphinx(project, "-W")
    assert result.returncode != 0
    assert re.search(r"WARNING: services/hotel\.yaml:\d+:\d+: G502 ", result.stderr)  # a warning flag


@pytest.mark.parametrize("reference", ["../../etc/passwd", "/etc/passwd", "services/link.yaml", "../outside.yaml"])
def test_a_path_outside_the_source_folder_is_refused(tmp_path: Path, reference: str) -> None:
    project = make_project(tmp_path / "docs", f"Out\n===\n\n.. blueprint:: {reference}\n")
    plant_outside(tmp_path / "outside.yaml", project / "services" / "link.yaml")
    result = sphinx(project, "-W")
    assert result.returncode != 0
    assert re.search(rf"index\.rst:4: WARNING: {re.escape(reference)}: (absolute paths are refused|"
                     r"the path leaves the services folder)", result.stderr), result.stderr
    assert SECRET not in (project / "_build" / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_with_nothing_changed_runs_graphviz_zero_times(tmp_path: Path) -> None:
    project = make_project(tmp_path / "docs")
    env, calls = counting_dot(tmp_path)
    assert sphinx(project, "-W", env=env).returncode == 0
    assert dot_calls(calls) == 2
    before = page_ids(project)
    # -E: a fresh environment, every page read again; the diagrams come from the cache
    assert sphinx(project, "-W", "-E", env=env).returncode == 0
    assert dot_calls(calls) == 2
    assert page_ids(project) == before
    service = project / "services" / "hotel.yaml"
    edit_service(service)
    assert sphinx(project, "-W", env=env).returncode == 0        # the page depends on the file: read again
    assert dot_calls(calls) == 4
    assert "Compare suites" in (project / "_build" / "index.html").read_text(encoding="utf-8")
