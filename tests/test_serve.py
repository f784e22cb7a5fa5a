"""`blueprint serve` for real: the command line in a subprocess on a free loopback port, spoken to over HTTP."""
from __future__ import annotations

import shutil
import socket
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from blueprint.api import check_bytes
from blueprint.metrics import measure, metrics_json
from blueprint.serve.preview import element_details, finding_targets, metrics_summary
from serving import Events, Server
from support import BLUEPRINT, MINIMAL, ROOT, run_cli

COFFEE = textwrap.dedent("""\
    blueprint: 1
    title: Coffee
    stages:
      - id: order
        title: Order
        steps:
          - id: queue
            wait: {expected: 4m, tolerance: 2m}
            actions:
              customer: Waits in line
              frontstage: {text: Serves the guest ahead, duration: 3m}
          - id: pay
            actions:
              customer: {text: Pays, duration: 1m, value: customer}
              frontstage:
                text: Takes the card
                duration: 2m
                owner: Barista
                fail: {what: Card reader down, severity: 3, likelihood: 2}
    """)


def _coffee() -> tuple[object, dict]:
    document = check_bytes(COFFEE.encode(), "coffee.yaml")
    assert document.service is not None
    return document, metrics_json(measure(document.service))


def test_metrics_summary_by_hand() -> None:
    # queue: wait 4m + the frontstage 3m = 7m; pay: customer 1m (value-added) then frontstage 2m = 3m.
    _, measured = _coffee()
    document, measured = _coffee()
    # no after, no chance, no cost: the schedule, expected lead time and cost would only restate defaults
    assert metrics_summary(measured, document.service, "en") == [
        {"label": "Lead time", "value": "10m"}, {"label": "Value-added time", "value": "1m"},
        {"label": "Value-added ratio", "value": "10.0 %"}]
    assert metrics_summary(measured, document.service, "zh")[0] == {"label": "总时长", "value": "10m"}


def test_metrics_summary_shows_the_1_1_numbers() -> None:
    # FORMAT.md's 1.1 worked example: lead 37m, value-added 6m (6/37), expected 36m12s, 75.50 EUR
    document = check_bytes((ROOT / "tests" / "fixtures" / "format-1.1-example.yaml").read_bytes(), "clinic.yaml")
    assert document.service is not None
    measured = metrics_json(measure(document.service))
    assert metrics_summary(measured, document.service, "en") == [
        {"label": "Lead time", "value": "37m"}, {"label": "Value-added time", "value": "6m"},
        {"label": "Value-added ratio", "value": "16.2 %"}, {"label": "Expected lead time", "value": "36m 12s"},
        {"label": "Cost", "value": "75.50 EUR"}, {"label": "Labour cost", "value": "29.00 EUR"},
        {"label": "Direct cost", "value": "32.00 EUR"}, {"label": "Indirect cost", "value": "14.50 EUR"},
        {"label": "Expected cost", "value": "75.50 EUR"},
        {"label": "Critical path", "value": "triage → blood → recall"}]
    details = element_details(document.service, measured, "en")
    assert details["step.recall"][1:] == [["Time", "1m"], ["Start", "36m"], ["Finish", "37m"], ["Critical", "yes"],
                                          ["Chance", "20.0 %"], ["Cost", "0.00 EUR"]]


def test_hover_details_of_actions_fail_points_and_steps() -> None:
    document, measured = _coffee()
    details = element_details(document.service, measured, "en")
    assert details["a.pay.frontstage"] == [["", "Takes the card"], ["Lane", "Frontstage actions"],
                                           ["Duration", "2m"], ["Owner", "Barista"],
                                           ["Fail point", "Card reader down (risk 6)"]]
    assert details["fail.pay.frontstage"][0] == ["", "Card reader down"]
    assert details["a.pay.customer"][2:] == [["Duration", "1m"], ["Value", "customer"]]
    assert details["step.queue"] == [["", "Waits in line"], ["Wait", "4m"], ["Time", "7m"]]
    assert details["wait.queue"] == details["step.queue"]
    assert details["step.pay"] == [["", "Pays"], ["Time", "3m"]]


def test_finding_targets_most_specific_first() -> None:
    document, _ = _coffee()
    by_code = {finding.code: finding_targets(finding) for finding in document.findings}
    assert by_code == {"W301": ["wait.queue", "step.queue"],
                       "F201": ["fail.pay.frontstage", "a.pay.frontstage", "step.pay"],
                       "F202": ["fail.pay.frontstage", "a.pay.frontstage", "step.pay"]}


def test_a_low_emotion_of_one_customer_points_at_that_lane_s_curve() -> None:
    document = check_bytes(textwrap.dedent("""\
        blueprint: 1
        title: Visit
        lanes:
          - {id: patient, kind: customer}
          - {id: carer, kind: customer}
          - {id: nurse, kind: frontstage}
        stages:
          - id: s
            title: S
            steps:
              - id: wait
                emotion: {patient: -2, carer: 0}
                actions: {patient: Waits, carer: Waits too, nurse: Calls}
        """).encode(), "v.yaml")
    (p102,) = [finding for finding in document.findings if finding.code == "P102"]
    assert finding_targets(p102) == ["pain.wait", "emotion.wait.patient", "emotion.wait", "a.wait.patient",
                                     "step.wait"]


def _services(base: Path) -> Path:
    """A folder of service files beside what must never be served: a non-service YAML file, a text file, a
    hidden folder, a symlink to a file outside and one to the folder above."""
    src = base / "services"
    (src / "sub").mkdir(parents=True)
    (src / "coffee.yaml").write_text(COFFEE, encoding="utf-8")
    (src / "sub" / "visit.yaml").write_text(MINIMAL, encoding="utf-8")
    (src / "notes.yaml").write_text("title: not a service\n", encoding="utf-8")
    (src / "broken.yaml").write_text(MINIMAL.replace("title: Minimal\n", ""), encoding="utf-8")
    (src / "readme.txt").write_text("blueprint: 1\n", encoding="utf-8")
    (src / ".hidden").mkdir()
    (src / ".hidden" / "secret.yaml").write_text(MINIMAL, encoding="utf-8")
    outside = base / "outside.yaml"
    outside.write_text(MINIMAL.replace("Minimal", "Outside"), encoding="utf-8")
    (src / "link.yaml").symlink_to(outside)
    (src / "linkdir").symlink_to(base, target_is_directory=True)
    return src


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return _services(tmp_path)


def _serving(folder: Path) -> Iterator[Server]:
    running = Server(folder)
    yield running
    if running.process.poll() is None:
        running.interrupt()


@pytest.fixture
def server(folder: Path) -> Iterator[Server]:
    """A server of its own, for tests that change the folder."""
    yield from _serving(folder)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests that only read."""
    yield from _serving(_services(tmp_path_factory.mktemp("shared")))


def test_lists_the_service_files_and_nothing_else(shared: Server) -> None:
    status, headers, body = shared.get("/")
    page = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert ('<a href="/file/coffee.yaml"><span class="name">coffee.yaml</span> <span class="service">Coffee</span> '
            '<span class="ok">valid · 2 warnings</span></a>') in page  # its pain point is info
    assert '<a href="/file/sub/visit.yaml"><span class="name">sub/visit.yaml</span> <span class="service">Minimal' \
        in page
    assert '<span class="name">broken.yaml</span> <span class="bad">1 error</span>' in page
    for absent in ("notes.yaml", "readme.txt", "secret.yaml", "link.yaml", "outside"):
        assert absent not in page
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_serves_the_svgs_with_their_element_ids(shared: Server) -> None:
    status, headers, body = shared.get("/svg/blueprint/coffee.yaml")
    assert status == 200 and headers["content-type"] == "image/svg+xml"
    for ident in ("a.queue.customer", "a.pay.frontstage", "fail.pay.frontstage", "wait.queue", "step.pay",
                  "lane.customer", "line.interaction", "stage.order"):
        assert f'id="{ident}"' in body.decode(), ident
    status, _, body = shared.get("/svg/journey/sub/visit.yaml")
    assert status == 200 and 'id="step.enter"' in body.decode() and 'id="stage.visit"' in body.decode()
    data = shared.json("/data/coffee.yaml")
    assert data["valid"] and data["title"] == "Coffee" and data["file"].endswith("coffee.yaml")
    assert [f["text"].split(": ", 1)[1] for f in data["findings"]] == [
        "W301 expected wait 4m exceeds the tolerance of 2m", "F201 fail point: Card reader down (risk 6)",
        "F202 fail point without mitigation: Card reader down"]
    assert data["findings"][0]["text"].endswith("coffee.yaml:8:15: W301 expected wait 4m exceeds the tolerance of 2m")
    assert data["metrics"][0] == {"label": "Lead time", "value": "10m"}
    status, _, page = shared.get("/file/sub/visit.yaml")
    assert status == 200 and b'data-data="/data/sub/visit.yaml"' in page


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/file/../../etc/passwd", "/data/../../../etc/passwd", "/svg/blueprint/../coffee.yaml",
    "/data/%2e%2e/%2e%2e/etc/passwd", "/data/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/data/%252e%252e%252fetc%252fpasswd",
    "/data//etc/passwd", "/data/%2Fetc%2Fpasswd", "/svg/blueprint//etc/passwd", "/file/%2Fetc%2Fpasswd",
    "/data/link.yaml", "/svg/blueprint/link.yaml", "/data/linkdir/outside.yaml", "/data/notes.yaml",
    "/data/readme.txt", "/data/.hidden/secret.yaml", "/svg/blueprint/.hidden/secret.yaml", "/data/sub",
    "/data/./coffee.yaml", "/data/sub/../coffee.yaml", "/svg/report/coffee.yaml", "/svg/../coffee.yaml",
    "/assets/../app.py", "/assets/preview.py", "/assets/%2e%2e%2fapp.py", "/coffee.yaml", "/services/coffee.yaml",
])
def test_refuses_everything_else(shared: Server, path: str) -> None:
    status, _, body = shared.get(path)
    assert status == 404, (path, body[:200])
    assert b"Minimal" not in body and b"root:" not in body


def test_names_in_any_script_and_with_markup(tmp_path: Path) -> None:
    (tmp_path / "门诊 visit.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "<img src=x onerror=alert(1)>#?.yaml").write_text(MINIMAL, encoding="utf-8")
    running = Server(tmp_path)
    try:
        page = running.get("/")[2].decode()
        assert '<a href="/file/%E9%97%A8%E8%AF%8A%20visit.yaml"><span class="name">门诊 visit.yaml</span>' in page
        assert '<span class="name">&lt;img src=x onerror=alert(1)&gt;#?.yaml</span>' in page
        assert "<img" not in page
        assert running.json("/data/%E9%97%A8%E8%AF%8A%20visit.yaml")["title"] == "Minimal"
        hostile = "/data/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%23%3F.yaml"
        assert running.json(hostile)["rel"] == "<img src=x onerror=alert(1)>#?.yaml"
        status, _, body = running.get("/file/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%23%3F.yaml")
        assert status == 200 and b"<img" not in body
    finally:
        running.interrupt()


def test_only_this_machine_by_name(shared: Server) -> None:
    status, _, _ = shared.get("/", headers={"Host": "attacker.example"})
    assert status == 400          # a page on another site cannot reach us through DNS rebinding
    assert shared.get("/", headers={"Host": f"localhost:{shared.port}"})[0] == 200


def test_an_edit_sends_a_change_event_and_the_new_drawing(folder: Path, server: Server) -> None:
    events = Events(server)
    try:
        before = server.json("/data/coffee.yaml")
        source = folder / "coffee.yaml"
        source.write_text(COFFEE.replace("Takes the card", "Taps the phone"), encoding="utf-8")
        server.wait_for(lambda: ["coffee.yaml"] in events.changes, "the change event")
        assert b"Taps the phone" in server.get("/svg/blueprint/coffee.yaml")[2]
        edited = server.json("/data/coffee.yaml")
        assert edited["valid"] and edited["drawing"] != before["drawing"]

        # Broken: the errors as FILE:LINE:COL: CODE message, the last good drawing kept.
        source.write_text(COFFEE.replace("title: Coffee\n", ""), encoding="utf-8")
        server.wait_for(lambda: len(events.changes) >= 2, "the second change event")
        broken = server.json("/data/coffee.yaml")
        assert not broken["valid"] and broken["stale"] and broken["drawing"] == edited["drawing"]
        assert [error["text"] for error in broken["errors"]] == [
            f"{source}:1:1: E005 missing required key 'title'"]
        assert b"Taps the phone" in server.get("/svg/blueprint/coffee.yaml")[2]

        source.write_text(COFFEE, encoding="utf-8")
        server.wait_for(lambda: len(events.changes) >= 3, "the third change event")
        fixed = server.json("/data/coffee.yaml")
        assert fixed["valid"] and not fixed["errors"] and fixed["drawing"] == before["drawing"]

        (folder / "sub" / "new.yaml").write_text(MINIMAL, encoding="utf-8")
        server.wait_for(lambda: ["sub/new.yaml"] in events.changes, "the new file's event")
        assert server.get("/data/sub/new.yaml")[0] == 200
        assert b"sub/new.yaml" in server.get("/")[2]
    finally:
        code = server.interrupt()       # with a page's event stream still open
        events.close()
    assert code == 0, server.lines
    assert server.lines[-1] == "stopped serving"
    assert not any("Traceback" in line or "Error" in line for line in server.lines), server.lines


def test_a_single_file(tmp_path: Path, minimal_file: Path) -> None:
    (tmp_path / "other.yaml").write_text(MINIMAL, encoding="utf-8")
    running = Server(minimal_file)
    try:
        status, headers, _ = running.get("/")
        assert status == 303 and headers["location"] == "/file/minimal.yaml"
        assert running.json("/data/minimal.yaml")["title"] == "Minimal"
        assert running.get("/data/other.yaml")[0] == 404
        assert running.get("/svg/blueprint/other.yaml")[0] == 404
    finally:
        assert running.interrupt() == 0


def test_the_hostile_corpus_stays_text(tmp_path: Path) -> None:
    for path in sorted((ROOT / "tests" / "hostile").glob("inject-*.yaml")):
        shutil.copy(path, tmp_path / path.name)
    running = Server(tmp_path)
    try:
        page = running.get("/")[2].decode()
        status, _, body = running.get("/file/inject-html.yaml")
        assert status == 200 and b"<script>alert" not in body
        data = running.json("/data/inject-html.yaml")
        assert data["title"] == "<script>alert(1)</script>"        # JSON for our script to set as text
        assert "<script>alert" not in page
    finally:
        running.interrupt()


def _free_port_in_use() -> socket.socket:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    return taken


def test_a_port_in_use_is_exit_2(minimal_file: Path) -> None:
    taken = _free_port_in_use()
    try:
        port = taken.getsockname()[1]
        result = run_cli("serve", minimal_file, "--port", str(port), timeout=30)
    finally:
        taken.close()
    assert result.returncode == 2, result
    assert result.stderr == f"blueprint: port {port} is in use on 127.0.0.1; stop what uses it or choose " \
                            "another with --port\n"


def test_bad_paths_are_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("title: x\n", encoding="utf-8")
    missing = run_cli("serve", tmp_path / "nope.yaml", "--port", "0")
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    not_service = run_cli("serve", tmp_path / "notes.yaml", "--port", "0")
    assert not_service.returncode == 2 and "not a service file" in not_service.stderr


def test_another_host_warns(minimal_file: Path) -> None:
    process = subprocess.Popen([str(BLUEPRINT), "serve", str(minimal_file), "--port", "0", "--host", "0.0.0.0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        assert "serving" in process.stdout.readline()
        assert process.stderr.readline().startswith("blueprint: warning: serving on 0.0.0.0: anyone who can reach")
    finally:
        process.send_signal(2)
        assert process.wait(timeout=15) == 0


def test_other_commands_do_not_import_the_server() -> None:
    code = ("import sys; from blueprint import cli; sys.argv = ['blueprint', 'check', %r]\n"
            "try: cli._run()\nexcept SystemExit: pass\n"
            "assert not {'starlette', 'uvicorn', 'blueprint.serve.app'} & set(sys.modules), 'server imported'"
            % str(ROOT / "samples" / "hotel-stay.yaml"))
    result = subprocess.run([str(BLUEPRINT.parent / "python"), "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_file_turned_into_a_symlink_out_is_refused(folder: Path, server: Server) -> None:
    assert server.get("/data/coffee.yaml")[0] == 200
    coffee = folder / "coffee.yaml"
    coffee.unlink()
    coffee.symlink_to(folder.parent / "outside.yaml")
    server.wait_for(lambda: server.get("/data/coffee.yaml")[0] == 404, "the symlink to be refused")
    assert server.get("/svg/blueprint/coffee.yaml")[0] == 404


def test_open_starts_the_browser_on_the_page(tmp_path: Path, minimal_file: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    opened = tmp_path / "opened"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", f"{browser} %s")      # the standard library's webbrowser runs this
    running = Server(minimal_file, "--open")
    try:
        running.wait_for(lambda: opened.exists() and opened.read_text().strip(), "the browser")
        assert opened.read_text().strip() == running.url + "/"
    finally:
        assert running.interrupt() == 0


def test_ipv6_loopback(minimal_file: Path) -> None:
    running = Server(minimal_file, "--host", "::1")
    try:
        assert running.url.startswith("http://[::1]:")
        assert running.json("/data/minimal.yaml")["title"] == "Minimal"    # Host: [::1]:PORT is this machine
        assert running.get("/", headers={"Host": "attacker.example"})[0] == 400
        assert not any("warning" in line for line in running.lines)
    finally:
        assert running.interrupt() == 0
