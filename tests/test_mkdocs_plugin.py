"""The MkDocs plugin, through real `mkdocs build` and `mkdocs serve` runs of a small site."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from site_support import INVALID, SECRET, counting_dot, dot_calls, edit_service, plant_outside, svg_ids, svgs
from support import SAMPLES

PAGE = """\
---
title: The stay
---
# The stay

```blueprint
file: services/hotel.yaml
view: journey
```

Behind the scenes:

```blueprint
file: services/hotel.yaml
```

```yaml
# an ordinary fence stays as it is
blueprint: 1
```

````markdown
```blueprint
file: an/example/in/a/longer/fence.yaml
```
````
"""


def make_site(folder: Path, page: str = PAGE, plugin: str = "[blueprint]") -> Path:
    docs = folder / "docs"
    (docs / "services").mkdir(parents=True, exist_ok=True)
    (docs / "services" / "hotel.yaml").write_bytes((SAMPLES / "hotel-stay.yaml").read_bytes())
    (docs / "index.md").write_text(page, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(f"site_name: Services\nplugins: {plugin}\n", encoding="utf-8")
    return folder


def mkdocs(site: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=site, env=env,
                          capture_output=True, text=True, timeout=120)


def test_fences_become_inline_svg_with_the_element_ids(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = mkdocs(site, "--strict")
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    journey, blueprint = svg_ids(html)
    assert {"stage.book", "step.search", "touchpoint.search", "emotion.search", "pain.lobby-queue"} <= journey
    assert {"lane.guest", "line.visibility", "a.search.guest", "wait.lobby-queue"} <= blueprint
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert '<div class="blueprint-diagram blueprint-journey" style="overflow-x: auto">' in html
    assert "an ordinary fence stays as it is" in html
    assert "file: an/example/in/a/longer/fence.yaml" in html          # shown as code, not drawn


def test_a_whole_service_inline_is_drawn_and_its_flags_point_into_the_page(tmp_path: Path) -> None:
    page = "# Inline\n\n- In a list:\n\n    ```blueprint\n    blueprint: 1\n    title: Tiny\n    view: journey\n" \
           "    stages:\n      - id: visit\n        title: Visit\n        steps:\n          - id: enter\n" \
           "            actions: {customer: Walks in}\n            pain: <script>alert(1)</script>\n    ```\n"
    site = make_site(tmp_path, page)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=site,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "INFO    -  docs/index.md:15:19: P101 pain point: <script>alert(1)</script>" in result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    (journey,) = svg_ids(html)
    assert {"stage.visit", "step.enter", "pain.enter"} <= journey
    assert "<script>alert" not in html


def test_an_invalid_file_fails_the_strict_build_with_its_code_and_place(tmp_path: Path) -> None:
    site = make_site(tmp_path, "# Bad\n\n```blueprint\nfile: services/bad.yaml\n```\n")
    (site / "docs" / "services" / "bad.yaml").write_text(INVALID, encoding="utf-8")
    strict = mkdocs(site, "--strict")
    assert strict.returncode == 1
    assert re.search(r"WARNING +-  docs/services/bad\.yaml:9:9: E003 unknown key", strict.stderr), strict.stderr
    relaxed = mkdocs(site)
    assert relaxed.returncode == 0
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="blueprint-error">docs/services/bad.yaml:9:9: E003' in html


def test_flags_are_info_unless_the_site_asks_for_warnings(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    assert mkdocs(site, "--strict").returncode == 0
    (site / "mkdocs.yml").write_text("site_name: S\nplugins:\n  - blueprint:\n      flags_as_warnings: true\n",
                                     encoding="utf-8")
    loud = mkdocs(site, "--strict")
    assert loud.returncode == 1
    assert re.search(r"WARNING +-  docs/services/hotel\.yaml:\d+:\d+: G502 ", loud.stderr)  # a warning flag


@pytest.mark.parametrize("reference", ["../../etc/passwd", "/etc/passwd", "services/link.yaml", "../outside.yaml"])
def test_a_path_outside_the_docs_folder_is_refused(tmp_path: Path, reference: str) -> None:
    site = make_site(tmp_path, f"# Out\n\n```blueprint\nfile: {reference}\n```\n")
    plant_outside(site / "outside.yaml", site / "docs" / "services" / "link.yaml")
    result = mkdocs(site, "--strict")
    assert result.returncode == 1
    assert re.search(rf"WARNING +-  docs/index\.md:3:1: {re.escape(reference)}: (absolute paths are refused|"
                     r"the path leaves the services folder docs)", result.stderr), result.stderr
    assert SECRET not in (site / "site" / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_with_nothing_changed_runs_graphviz_zero_times(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    env, calls = counting_dot(tmp_path)
    assert mkdocs(site, "--strict", env=env).returncode == 0
    assert dot_calls(calls) == 2
    first = svgs((site / "site" / "index.html").read_text(encoding="utf-8"))
    assert mkdocs(site, "--strict", env=env).returncode == 0
    assert dot_calls(calls) == 2
    again = svgs((site / "site" / "index.html").read_text(encoding="utf-8"))
    assert again == first and len(first) == 2
    service = site / "docs" / "services" / "hotel.yaml"
    edit_service(service)
    assert mkdocs(site, "--strict", env=env).returncode == 0
    assert dot_calls(calls) == 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page_until(url: str, wanted: str, deadline: float) -> str:
    text = ""
    while time.monotonic() < deadline:
        try:
            text = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        except OSError:
            text = ""
        if wanted in text:
            return text
        time.sleep(0.3)
    raise AssertionError(f"{wanted!r} never appeared at {url}")


def test_serve_reloads_when_a_service_file_outside_the_docs_changes(tmp_path: Path) -> None:
    site = make_site(tmp_path, "# Stay\n\n```blueprint\nfile: hotel.yaml\nview: journey\n```\n",
                     plugin="\n  - blueprint:\n      services_dir: services")
    (site / "services").mkdir()
    service = site / "services" / "hotel.yaml"
    service.write_bytes((SAMPLES / "hotel-stay.yaml").read_bytes())
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=site,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _page_until(url, "Compare rooms", time.monotonic() + 60)
        edit_service(service)
        _page_until(url, "Compare suites", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
