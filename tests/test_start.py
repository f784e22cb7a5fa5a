"""A fast start: each command imports what it needs and nothing more (timings are in bench/bench_start.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import SAMPLES

PROBE = """\
import json, sys
sys.argv = ["blueprint", *json.loads(sys.argv[1])]
from blueprint import cli
try:
    cli._run()
except SystemExit:
    pass
with open({out!r}, "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""


def modules_of(tmp_path: Path, *args: str) -> set[str]:
    """Every module that one run of the command line imported, and their top-level packages."""
    out = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", PROBE.format(out=str(out)), json.dumps(args)], capture_output=True,
                   check=True, timeout=120)
    loaded = json.loads(out.read_text())
    return set(loaded) | {name.split(".")[0] for name in loaded}


HEAVY = {"rich", "weasyprint", "jinja2", "mkdocs", "sphinx", "docutils", "markdown", "watchfiles", "starlette",
         "uvicorn"}


def test_help_imports_neither_rich_nor_pydantic_nor_yaml(tmp_path: Path) -> None:
    loaded = modules_of(tmp_path, "--help")
    assert "typer" in loaded
    assert not loaded & (HEAVY | {"pydantic", "pydantic_core", "yaml", "blueprint.api"})


def test_check_imports_no_renderer_report_site_integration_pydantic_or_pyyaml(tmp_path: Path) -> None:
    loaded = modules_of(tmp_path, "check", str(SAMPLES / "hotel-stay.yaml"))
    assert {"blueprint.api", "blueprint.validate", "blueprint._compose"} <= loaded
    # PyYAML only where the C composer is missing; pydantic not at all (Typer < 0.29 does not use it)
    assert not loaded & (HEAVY | {"pydantic", "pydantic_core", "yaml", "blueprint.render", "blueprint.graphviz",
                                  "blueprint.report", "blueprint.sites"})


def test_render_imports_no_report(tmp_path: Path) -> None:
    loaded = modules_of(tmp_path, "render", str(SAMPLES / "hotel-stay.yaml"), "--view", "journey", "-f", "svg",
                        "-o", str(tmp_path / "out"))
    assert (tmp_path / "out" / "hotel-stay.journey.svg").exists()
    assert "blueprint.render" in loaded
    assert not loaded & (HEAVY | {"blueprint.report"})
