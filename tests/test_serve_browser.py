"""`blueprint serve` in a real headless browser (Debian's chromium driven by Playwright): edit, break, fix, click."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from serving import Server
from support import ROOT, SAMPLES
from test_serve import COFFEE

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Watched:
    """A page with every script error and dialog it raised."""

    def __init__(self, browser: Browser, width: int = 1366, height: int = 768) -> None:
        self.page: Page = browser.new_page(viewport={"width": width, "height": height})
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        self.page.on("dialog", lambda dialog: (self.problems.append(f"dialog {dialog.message}"), dialog.dismiss()))

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_selector("body[data-shown]", timeout=WAIT_MS)
        return self.page


def _svg_text(page: Page, view: str) -> str:
    return page.locator(f"#{view} svg").text_content() or ""


def _view_box(page: Page) -> list[float]:
    return [float(part) for part in page.get_attribute("#blueprint svg", "viewBox").split()]


def test_edit_break_fix_click_and_hover(tmp_path: Path, browser: Browser) -> None:
    source = tmp_path / "coffee.yaml"
    source.write_text(COFFEE, encoding="utf-8")
    server = Server(tmp_path)
    watched = Watched(browser)
    try:
        page = watched.open(f"{server.url}/file/coffee.yaml")
        assert page.text_content("#title") == "Coffee"
        assert page.locator('#blueprint svg [id="a.pay.frontstage"]').count() == 1
        assert page.locator('#journey svg [id="step.pay"]').count() == 1
        assert page.locator("#metrics dd").all_text_contents() == ["10m", "1m", "10.0 %"]
        assert page.locator("#findings button").count() == 3

        # Nothing changes, nothing is asked for: the page waits on its event stream and never polls.
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.wait_for_timeout(2500)
        assert asked == []

        # Hover an action: its details, as text.
        page.locator('#blueprint [id="a.pay.frontstage"]').hover()
        tip = page.locator(".bp-tooltip")
        tip.wait_for(state="visible", timeout=WAIT_MS)
        assert tip.inner_text().splitlines() == ["Takes the card", "Lane: Frontstage actions", "Duration: 2m",
                                                 "Owner: Barista", "Fail point: Card reader down (risk 6)"]

        # Wheel zooms about the pointer, double-click fits again.
        fitted = _view_box(page)
        box = page.locator("#blueprint").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -400)
        page.wait_for_function("(w) => document.querySelector('#blueprint svg').viewBox.baseVal.width < w",
                               arg=fitted[2] * 0.9, timeout=WAIT_MS)
        page.dblclick("#blueprint")
        assert _view_box(page) == fitted

        # Click a finding: its element is ringed and in view.
        page.locator("#findings button", has_text="F201").click()
        marked = page.locator('#blueprint [id="fail.pay.frontstage"]')
        assert "bp-highlight" in (marked.get_attribute("class") or "")
        ring = page.locator("#blueprint .bp-ring").bounding_box()
        mark, canvas = marked.bounding_box(), page.locator("#blueprint").bounding_box()
        assert ring["x"] <= mark["x"] and ring["x"] + ring["width"] >= mark["x"] + mark["width"]
        assert canvas["x"] <= ring["x"] and ring["x"] + ring["width"] <= canvas["x"] + canvas["width"]
        page.locator("#findings button", has_text="W301").click()
        assert page.locator("#blueprint .bp-ring").count() == 1
        assert "bp-highlight" in (page.locator('#blueprint [id="wait.queue"]').get_attribute("class") or "")

        # Save an edit: the diagram changes without a reload.
        drawing = page.get_attribute("body", "data-drawing")
        source.write_text(COFFEE.replace("Takes the card", "Taps the phone"), encoding="utf-8")
        page.wait_for_function("(old) => document.body.dataset.drawing !== old", arg=drawing, timeout=WAIT_MS)
        assert "Taps the phone" in _svg_text(page, "blueprint")

        # Break it: the overlay with the errors, the last good drawing kept.
        source.write_text(COFFEE.replace("title: Coffee\n", "").replace("Takes the card", "Gone"), encoding="utf-8")
        page.wait_for_selector("#overlay:not([hidden])", timeout=WAIT_MS)
        assert page.locator("#errors button").all_text_contents() == [
            f"{source}:1:1: E005 missing required key 'title'"]
        assert page.is_visible("#overlay")
        page.click("#overlay-fold")         # folded to its heading, to see the diagram under it
        assert page.is_hidden("#errors") and page.is_visible("#overlay-heading")
        page.click("#overlay-fold")
        assert page.is_visible("#errors")
        assert "Taps the phone" in _svg_text(page, "blueprint") and "Gone" not in _svg_text(page, "blueprint")

        # Fix it: the overlay goes.
        source.write_text(COFFEE, encoding="utf-8")
        page.wait_for_selector("#overlay", state="hidden", timeout=WAIT_MS)
        page.wait_for_function("() => document.body.dataset.shown === 'valid'", timeout=WAIT_MS)
        assert "Takes the card" in _svg_text(page, "blueprint")
        page.screenshot(path=str(tmp_path / "coffee.png"))
    finally:
        assert server.interrupt() == 0
    assert watched.problems == []


def test_chinese_on_a_projector(tmp_path: Path, browser: Browser) -> None:
    shutil.copy(SAMPLES / "outpatient-visit.zh.yaml", tmp_path)
    server = Server(tmp_path)
    watched = Watched(browser, 1920, 1080)
    try:
        page = watched.open(f"{server.url}/file/outpatient-visit.zh.yaml")
        assert page.text_content("#journey-heading") == "顾客旅程图"
        assert page.get_attribute("html", "lang") == "zh"
        assert any("\u4e00" <= char <= "\u9fff" for char in _svg_text(page, "blueprint"))
        size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.finding button')).fontSize)")
        assert size >= 15            # findings stay legible from the back of a room
    finally:
        server.interrupt()
    assert watched.problems == []


def test_the_folder_list_follows_the_folder(tmp_path: Path, browser: Browser) -> None:
    (tmp_path / "coffee.yaml").write_text(COFFEE, encoding="utf-8")
    server = Server(tmp_path)
    watched = Watched(browser)
    try:
        page = watched.page
        page.goto(server.url + "/")
        assert page.locator("#files .name").all_text_contents() == ["coffee.yaml"]
        (tmp_path / "tea.yaml").write_text(COFFEE.replace("Coffee", "Tea"), encoding="utf-8")
        page.wait_for_function("() => document.querySelectorAll('#files a').length === 2", timeout=WAIT_MS)
        page.click("#files a >> text=tea.yaml")
        page.wait_for_selector("body[data-shown=valid]", timeout=WAIT_MS)
        assert page.text_content("#title") == "Tea"
    finally:
        server.interrupt()
    assert watched.problems == []


def test_hostile_text_stays_text(tmp_path: Path, browser: Browser) -> None:
    hostile = sorted((ROOT / "tests" / "hostile").glob("inject-*.yaml"))
    for path in hostile:
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(ROOT / "tests" / "hostile" / "inject-html.yaml", tmp_path / "<img src=x onerror=alert(1)>#?.yaml")
    server = Server(tmp_path)
    watched = Watched(browser)
    try:
        for path in hostile:
            page = watched.open(f"{server.url}/file/{path.name}")
            assert page.locator("script").count() == 2, path.name        # ours only
            assert page.locator("img, iframe, object, embed, foreignObject, a[href^='javascript']").count() == 0
            assert page.locator("#blueprint svg [onload], #blueprint svg script").count() == 0
        page = watched.page
        page.goto(server.url + "/")
        assert page.locator("img").count() == 0
        page.click("#files a >> text=<img src=x onerror=alert(1)>#?.yaml")
        page.wait_for_selector("body[data-shown=valid]", timeout=WAIT_MS)
        assert page.text_content("#file").endswith("<img src=x onerror=alert(1)>#?.yaml")
        assert page.locator("img").count() == 0
        page = watched.open(f"{server.url}/file/inject-html.yaml")
        assert page.text_content("#title") == "<script>alert(1)</script>"
        assert "<b>bold</b>" in _svg_text(page, "journey")
    finally:
        server.interrupt()
    assert watched.problems == []


def test_interactive_js_on_an_svg_already_in_the_page(browser: Browser) -> None:
    """The HTML report's use: our SVG inline in a page of its own, the script attached to its container."""
    from blueprint.api import check_bytes
    from blueprint.render import render

    service = check_bytes(COFFEE.encode(), "coffee.yaml").service
    assert service is not None
    svg = render(service, "blueprint", "svg").decode().split("?>", 1)[1]
    watched = Watched(browser)
    page = watched.page
    page.set_content(f'<!doctype html><body><div id="diagram" style="width:800px">{svg}</div></body>')
    page.add_script_tag(content=(ROOT / "templates" / "interactive.js").read_text(encoding="utf-8"))
    found = page.evaluate("""() => {
        const view = window.view = BlueprintInteractive.attach(document.getElementById("diagram"),
                                                               {details: {"a.pay.customer": [["", "Pays"]]}});
        return [view.has("a.pay.customer"), view.has("a.nowhere.customer"), view.highlight("wait.queue"),
                view.highlight("a.nowhere.customer"), document.querySelectorAll(".bp-ring").length];
    }""")
    assert found == [True, False, True, False, 0]
    assert page.evaluate("() => window.view.highlight('step.pay')")
    assert page.locator(".bp-ring").count() == 1 and page.locator('[id="step.pay"].bp-highlight').count() == 1
    page.locator('[id="a.pay.customer"]').hover()
    assert page.locator(".bp-tooltip").inner_text() == "Pays"
    assert watched.problems == []
