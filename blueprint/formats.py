"""Findings as text, JSON, GitHub Actions annotations and SARIF 2.1.0."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from . import __version__
from .findings import CODES, Finding, Severity

FORMATS = ("text", "json", "github", "sarif")
_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


def as_text(findings: Sequence[Finding], colour: bool = False) -> str:
    lines = []
    for finding in findings:
        line = str(finding)
        if colour:
            head, _, rest = line.partition(f" {finding.code} ")
            line = f"{head} {_COLOURS[finding.severity]}{finding.code}\033[0m {rest}"
        lines.append(line)
    return "".join(line + "\n" for line in lines)


def summary(findings: Sequence[Finding], files: int) -> str:
    counts = Counter(finding.severity for finding in findings)
    parts = [f"{counts[severity]} {severity.value}"
             f"{'s' if counts[severity] != 1 and severity is not Severity.INFO else ''}"
             for severity in Severity]
    return f"{files} file{'s' if files != 1 else ''} checked: " + ", ".join(parts)


def as_json(findings: Sequence[Finding]) -> str:
    """One JSON array, a finding per line (json's indenting encoder is pure Python: slow for big files)."""
    if not findings:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(f.as_json(), ensure_ascii=False) for f in findings) + "\n]\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    return "".join(
        f"::{command[f.severity]} file={_escape_property(f.file)},line={f.line},col={f.column},"
        f"title={_escape_property(f.code)}::{_escape_data(f.message)}\n"
        for f in findings)


def _artifact(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: a relative path as a URI reference against %SRCROOT%, an absolute one as a file URI."""
    path = Path(file)
    if path.is_absolute():
        return {"uri": Path(file).as_uri()}
    return {"uri": quote(path.as_posix(), errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}


def as_sarif(findings: Sequence[Finding]) -> str:
    """One SARIF 2.1.0 run: every code as a rule, every finding as a result."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rules = [{"id": code.code, "name": code.title.title().replace(" ", "").replace("-", ""),
              "shortDescription": {"text": code.title}, "fullDescription": {"text": code.help},
              "help": {"text": code.help},
              "defaultConfiguration": {"level": level[code.severity]}} for code in CODES.values()]
    index = {code: position for position, code in enumerate(CODES)}
    results = [{
        "ruleId": f.code, "ruleIndex": index[f.code], "level": level[f.severity], "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(f.file),
            "region": {"startLine": f.line, "startColumn": f.column}}}],
        **({"properties": {"step": f.step, "lane": f.lane}} if f.step or f.lane else {}),
    } for f in findings]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "blueprint", "version": __version__, "rules": rules}},
                  "columnKind": "unicodeCodePoints", "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def render_findings(findings: Sequence[Finding], fmt: str, colour: bool = False) -> str:
    if fmt == "json":
        return as_json(findings)
    if fmt == "github":
        return as_github(findings)
    if fmt == "sarif":
        return as_sarif(findings)
    return as_text(findings, colour)
