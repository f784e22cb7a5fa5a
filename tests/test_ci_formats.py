"""`check --format github` (workflow commands) and `--format sarif` (SARIF 2.1.0) against their rules."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from blueprint.findings import CODES
from support import MINIMAL, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
COMMAND = re.compile(r"^::(?P<kind>error|warning|notice) file=(?P<file>[^,]*),line=(?P<line>\d+),col=(?P<col>\d+),"
                     r"title=(?P<title>[^,:]*)::(?P<message>.*)$")
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
COMMAND_KIND = {"error": "error", "warning": "warning", "info": "notice"}


def unescape(text: str) -> str:
    """What GitHub's runner makes of an escaped value (the toolkit's escaping, reversed)."""
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    """A valid file with a warning, an info and user text full of characters the formats must escape,
    in a folder whose name has a comma, a colon and a space."""
    folder = tmp_path / "docs, v2: final"
    folder.mkdir()
    path = folder / "shop.yaml"
    path.write_text(MINIMAL + '        pain: "50% off, then:\\n100%25 sure?"\n'
                    + "      - id: copy\n        wait: {expected: 10m, tolerance: 5m}\n"  # W301: a warning
                    + "        actions:\n          customer: Waits\n"
                    + "          frontstage: {text: Copies a form, value: none}\n", encoding="utf-8")
    return path


def findings_json(*paths: Path, cwd: Path | None = None) -> list[dict[str, Any]]:
    return json.loads(run_cli("check", *paths, "--format", "json", cwd=cwd).stdout)


def test_github_annotations_round_trip_every_finding(awkward: Path) -> None:
    broken = FIXTURES / "invalid" / "E003-unknown-key.yaml"
    result = run_cli("check", awkward, broken, "--format", "github")
    assert result.returncode == 1
    expected = findings_json(awkward, broken)
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected) >= 3
    for line, finding in zip(lines, expected):
        match = COMMAND.match(line)
        assert match, line
        assert match["kind"] == COMMAND_KIND[finding["severity"]]
        assert unescape(match["file"]) == finding["file"]
        assert (int(match["line"]), int(match["col"])) == (finding["line"], finding["column"])
        assert match["title"] == finding["code"]
        assert unescape(match["message"]) == finding["message"]
    kinds = {COMMAND.match(line)["kind"] for line in lines}  # type: ignore[index]
    assert kinds == {"error", "warning", "notice"}
    pain = next(line for line in lines if "title=P101" in line)
    assert "50%25 off, then:%0A100%2525 sure?" in pain      # data: only %, CR and LF are escaped
    assert "file=" + str(awkward).replace(",", "%2C").replace(":", "%3A") + "," in pain


# The parts of the SARIF 2.1.0 schema (OASIS) this tool emits, with their closed property lists:
# a key the standard does not define, a missing required key or a wrong type fails validation.
_MESSAGE = {"type": "object", "additionalProperties": False, "required": ["text"],
            "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}}}
SARIF_SUBSET: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"$ref": "#/$defs/run"}},
    },
    "$defs": {
        "run": {"type": "object", "additionalProperties": False, "required": ["tool"], "properties": {
            "tool": {"type": "object", "additionalProperties": False, "required": ["driver"],
                     "properties": {"driver": {"$ref": "#/$defs/toolComponent"}}},
            "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
            "results": {"type": "array", "items": {"$ref": "#/$defs/result"}}}},
        "toolComponent": {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {
            "name": {"type": "string"}, "version": {"type": "string"},
            "rules": {"type": "array", "items": {"$ref": "#/$defs/reportingDescriptor"}}}},
        "reportingDescriptor": {"type": "object", "additionalProperties": False, "required": ["id"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "shortDescription": _MESSAGE, "fullDescription": _MESSAGE, "help": _MESSAGE,
            "defaultConfiguration": {"type": "object", "additionalProperties": False, "properties": {
                "level": {"enum": ["none", "note", "warning", "error"]}}}}},
        "result": {"type": "object", "additionalProperties": False, "required": ["message"], "properties": {
            "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": -1},
            "level": {"enum": ["none", "note", "warning", "error"]},
            "message": _MESSAGE,
            "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
            "properties": {"type": "object"}}},
        "location": {"type": "object", "additionalProperties": False, "properties": {
            "physicalLocation": {"type": "object", "additionalProperties": False, "properties": {
                "artifactLocation": {"type": "object", "additionalProperties": False, "properties": {
                    "uri": {"type": "string", "format": "uri-reference"}, "uriBaseId": {"type": "string"}}},
                "region": {"type": "object", "additionalProperties": False, "properties": {
                    "startLine": {"type": "integer", "minimum": 1},
                    "startColumn": {"type": "integer", "minimum": 1}}}}}}},
    },
}


def sarif(*paths: Path, cwd: Path | None = None) -> dict[str, Any]:
    result = run_cli("check", *paths, "--format", "sarif", cwd=cwd)
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_SUBSET)
    return log


def test_sarif_is_one_run_with_every_rule_and_every_finding(awkward: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    shutil.copy(FIXTURES / "invalid" / "E003-unknown-key.yaml", broken)
    log = sarif(Path(awkward.parent.name) / awkward.name, Path(broken.name), cwd=tmp_path)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(CODES)
    assert all(rule["help"]["text"] and rule["shortDescription"]["text"] for rule in rules)
    assert run["columnKind"] == "unicodeCodePoints"
    expected = findings_json(Path(awkward.parent.name) / awkward.name, Path(broken.name), cwd=tmp_path)
    assert len(run["results"]) == len(expected)
    for result, finding in zip(run["results"], expected):
        assert result["ruleId"] == finding["code"] == rules[result["ruleIndex"]]["id"]
        assert result["level"] == LEVEL[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert unquote(location["artifactLocation"]["uri"]) == finding["file"]
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"]}
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run["results"]}
    assert uris == {"docs%2C%20v2%3A%20final/shop.yaml", "broken.yaml"}
    assert {result["level"] for result in run["results"]} == {"error", "warning", "note"}


def test_sarif_absolute_paths_are_file_uris_and_a_clean_run_has_no_results(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(MINIMAL, encoding="utf-8")
    run = sarif(clean)["runs"][0]
    assert run["results"] == []
    flagged = sarif(FIXTURES.resolve() / "format-example.yaml")["runs"][0]["results"]
    uri = flagged[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": (FIXTURES.resolve() / "format-example.yaml").as_uri()}


def test_sarif_subset_schema_rejects_what_code_scanning_would() -> None:
    """The schema above is strict enough to fail: a result without a message, an unknown key, a bad level."""
    log = json.loads(run_cli("check", FIXTURES / "format-example.yaml", "--format", "sarif").stdout)
    for spoil in (lambda r: r.pop("message"), lambda r: r.update(severity="high"), lambda r: r.update(level="fatal")):
        broken = json.loads(json.dumps(log))
        spoil(broken["runs"][0]["results"][0])
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SARIF_SUBSET)


# --- Text output: one finding, one line, whatever the text or file name holds (issue 15, item 4) ---

TEXT_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) (?P<message>.*)$")
INJECTIONS = ["\n::error file=evil.yaml,line=1::INJECTED", "\n./fake.yaml:1:1: E001 fake error",
              "\r\n::warning::x", "\u2028::notice::x", "\u0085::error::x", "\x1b[2K\x1b[1A erased", "\u202eexe.evil"]


def _escaped(text: str) -> str:
    """What one_line shows for each injection: its controls as escapes, all on the line."""
    return (text.replace("\n", "\\n").replace("\r", "\\r").replace("\u2028", "\\u2028").replace("\u0085", "\\x85")
            .replace("\x1b", "\\x1b").replace("\u202e", "\\u202e"))


def test_text_findings_are_one_line_each_whatever_the_text_or_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "docs\n::error file=x,line=1::from the folder name"
    folder.mkdir()
    path = folder / "evil\nfake.yaml:1:1: E001 from the file name.yaml"
    pain = r"slow\n::error file=evil.yaml,line=1::INJECTED\n./fake.yaml:1:1: E001 fake"
    path.write_text(MINIMAL + f'        pain: "{pain}"\n        thinks: "fine"\n', encoding="utf-8")
    result = run_cli("check", path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = len(findings_json(path))
    assert expected >= 1 and len(lines) == expected
    assert all(TEXT_LINE.match(line) for line in lines)
    assert not any(line.startswith(("::", "./fake.yaml")) for line in result.stdout.splitlines())
    assert lines[0].startswith(_escaped(str(path)) + ":")
    assert "P101 pain point: slow\\n::error file=evil.yaml,line=1::INJECTED\\n./fake.yaml:1:1: E001 fake" in lines[0]


@pytest.mark.parametrize("injection", INJECTIONS, ids=range(len(INJECTIONS)))
def test_a_finding_line_escapes_every_control_and_separator(injection: str) -> None:
    from blueprint.findings import Finding

    shown = str(Finding(f"a{injection}.yaml", 3, 4, "P101", f"pain point: {injection}"))
    assert len(shown.splitlines()) == 1 and shown.isprintable()
    assert shown == f"a{_escaped(injection)}.yaml:3:4: P101 pain point: {_escaped(injection)}"


def test_invalid_files_and_usage_errors_print_one_line_each_on_every_command(tmp_path: Path) -> None:
    path = tmp_path / "bad\n::error::x.yaml"
    path.write_text(MINIMAL.replace("customer: Walks in", '"cust\\nomer": Walks in'), encoding="utf-8")
    for command in (["check", path], ["metrics", path], ["export", path, "--to", "mermaid"],
                    ["render", path, "-o", tmp_path / "out"]):
        result = run_cli(*command)
        assert result.returncode == 1, (command, result.stderr)
        errors = [line for line in (result.stdout + result.stderr).splitlines() if " E1" in line or " E0" in line]
        assert errors and all(TEXT_LINE.match(line) for line in errors), (command, errors)
        assert not any(line.startswith("::") for line in (result.stdout + result.stderr).splitlines()), command
    missing = run_cli("check", tmp_path / "no\n::error::such.yaml")
    assert missing.returncode == 2 and missing.stderr.splitlines() == [
        f"blueprint: {tmp_path}/no\\n::error::such.yaml: no such file or directory"]


def test_build_problem_lines_are_one_line_each(tmp_path: Path) -> None:
    src = tmp_path / "src"
    folder = src / "team\n::error::x"
    folder.mkdir(parents=True)
    (folder / "bad\n::warning::y.yaml").write_text(MINIMAL.replace("customer:", "custmer:"), encoding="utf-8")
    (folder / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    result = run_cli("build", src, "-o", tmp_path / "out", "-j1")
    assert result.returncode == 1, result.stderr
    output = (result.stdout + result.stderr).splitlines()
    assert not any(line.startswith("::") for line in output), output
    assert any(TEXT_LINE.match(line) and " E102 " in line for line in result.stderr.splitlines())
    assert f"built {src}/team\\n::error::x/good.yaml" in result.stdout.splitlines()
