"""What the preview page shows of a service file: findings with their element ids, metrics, hover details, SVGs."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from .. import humanize
from ..api import SERVICE_SUFFIXES, Document, check_bytes, find_service_files, is_service_file
from ..findings import BlueprintError, Finding, Severity
from ..i18n import label
from ..loader import MAX_BYTES
from ..metrics import measure, metrics_json
from ..model import Action, FailPoint, Service
from ..render import VIEWS, render

_METRIC_LABELS = {"lead_time_s": "report.lead_time", "value_added_s": "report.value_added",
                  "value_added_ratio": "report.ratio"}
# Targets of a finding by the first letter of its code, before its action and its step heading.
_TARGETS_BY_KIND = {"F": ("fail.{step}.{lane}",), "W": ("wait.{step}",),
                    "P": ("pain.{step}", "emotion.{step}.{lane}", "emotion.{step}"),
                    "T": ("moment.{step}", "touchpoint.{step}"), "G": ("touchpoint.{step}",)}
_ACTION_FIELDS_SHOWN_ELSEWHERE = {"step", "lane", "text", "fail"}


def finding_targets(finding: Finding) -> list[str]:
    """The FORMAT.md element ids a finding points at, most specific first; the page uses the first one drawn."""
    if finding.step is None:
        return []
    ids = [pattern.format(step=finding.step, lane=finding.lane)
           for pattern in _TARGETS_BY_KIND.get(finding.code[:1], ()) if finding.lane or "{lane}" not in pattern]
    if finding.lane:
        ids.append(f"a.{finding.step}.{finding.lane}")
    ids.append(f"step.{finding.step}")
    return ids


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {"text": str(finding), "code": finding.code, "severity": finding.severity.value,
            "targets": finding_targets(finding)}


def _label(lang: str, key: str, fallback: str) -> str:
    try:
        return label(lang, key)
    except KeyError:
        return fallback


def _words(key: str) -> str:
    """`expected_lead_time_s` → `Expected lead time`."""
    return key.removesuffix("_s").replace("_", " ").capitalize()


def _shown(key: str, value: Any, currency: str | None) -> str | None:
    """A metric or field value for people, by the convention of its name; None when there is nothing to show."""
    if value is None or isinstance(value, (dict, list, tuple)) and not value:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (int, float)):
        return humanize.metric(key, value, currency)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return " → ".join(value)
    return str(value) if isinstance(value, str) else None


def _currency(measured: dict[str, Any]) -> str | None:
    """The currency of the metrics' cost (format 1.1), if any."""
    cost = measured.get("cost")
    return cost.get("currency") if isinstance(cost, dict) else None


def _unsaid(measured: dict[str, Any], service: Service) -> set[str]:
    """Metric names that only restate defaults for this file: no `after` (the schedule is the file order), no
    `chance` (the expected lead time is the lead time), no cost given. The page leaves them out."""
    unsaid = set()
    if not service.uses_after:
        unsaid |= {"critical_path", "start_s", "finish_s", "critical"}
    if measured.get("expected_lead_time_s") == measured.get("lead_time_s"):
        unsaid.add("expected_lead_time_s")
    cost = measured.get("cost")
    if isinstance(cost, dict) and cost.get("currency") is None and not cost.get("total"):
        unsaid.add("cost")
    return unsaid


def metrics_summary(measured: dict[str, Any], service: Service, lang: str) -> list[dict[str, str]]:
    """Every top-level number of `metrics --format json` (a cost mapping as one entry per amount) that says more
    than a default, for people: metrics added to the JSON show here without a change."""
    currency = _currency(measured)
    unsaid = _unsaid(measured, service)
    rows = []
    for key, value in measured.items():
        if key in unsaid:
            continue
        if isinstance(value, dict):
            rows += [{"label": _words(key) if sub == "total" else f"{_words(sub)} {_words(key).lower()}",
                      "value": shown} for sub, amount in value.items() if sub != "currency"
                     and (shown := _shown(sub, amount, currency)) is not None and (amount or sub == "total")]
        elif not (isinstance(value, list) and value and isinstance(value[0], dict)):
            shown = _shown(key, value, currency)
            if shown is not None:
                rows.append({"label": _label(lang, _METRIC_LABELS.get(key, ""), _words(key)), "value": shown})
    return rows


def _fail_text(fail: FailPoint) -> str:
    risk = f" (risk {fail.risk})" if fail.risk is not None else ""
    return f"{fail.what}{risk}"


def _action_rows(service: Service, action: Action, currency: str | None, lang: str) -> list[list[str]]:
    rows = [[_label(lang, "report.lane", "Lane"), service.lane(action.lane).title]]
    for name in action._fields:
        if name in _ACTION_FIELDS_SHOWN_ELSEWHERE or name.endswith("loc"):
            continue
        value = getattr(action, name)
        if name == "auto" and value is True:
            continue
        shown = _shown(name, value, currency)
        if shown is not None:
            rows.append([_words(name), shown])
    if action.fail is not None:
        rows.append(["Fail point", _fail_text(action.fail)])
        if action.fail.mitigation:
            rows.append([_label(lang, "report.mitigation", "Mitigation"), action.fail.mitigation])
    return rows


def element_details(service: Service, measured: dict[str, Any], lang: str) -> dict[str, list[list[str]]]:
    """Hover details by element id: each action (and its fail point), and each step's numbers from the metrics."""
    currency = _currency(measured)
    unsaid = _unsaid(measured, service)
    details: dict[str, list[list[str]]] = {}
    for step in service.steps:
        for action in step.actions:
            rows = _action_rows(service, action, currency, lang)
            details[f"a.{step.id}.{action.lane}"] = [["", action.text], *rows]
            if action.fail is not None:
                details[f"fail.{step.id}.{action.lane}"] = [["", action.fail.what], *rows]
    for numbers in measured.get("steps", ()):
        rows = [[_words(key), shown] for key, value in numbers.items()
                if key not in ("id", "stage", *unsaid) and not (key == "wait_s" and not value)
                and not (key == "chance" and value == 1)
                and (shown := _shown(key, value, currency)) is not None]
        details[f"step.{numbers['id']}"] = [["", service.step(numbers["id"]).title], *rows]
        if numbers.get("wait_s"):
            details[f"wait.{numbers['id']}"] = details[f"step.{numbers['id']}"]
    return details


def page_labels(lang: str) -> dict[str, str]:
    """The page's headings in the service's language."""
    return {key: label(lang, f"report.{key}") for key in ("journey", "blueprint", "metrics", "findings")}


@dataclass
class Preview:
    """One file as last seen: its content, its check, and the last drawing made of a valid version."""

    raw: bytes = b""
    current: str = ""                       # the content's hash
    document: Document | None = None
    problem: str | None = None              # why a valid file could not be drawn (say, too large)
    attempted: str | None = None            # the content hash last drawn, or tried
    svgs: dict[str, bytes] = field(default_factory=dict)
    drawing: str | None = None              # the content hash the SVGs were drawn from
    shown: dict[str, Any] = field(default_factory=dict)   # title, metrics, details of that drawing

    def check(self, raw: bytes, file: str) -> None:
        self.raw, self.current, self.document = raw, hashlib.sha256(raw).hexdigest()[:16], check_bytes(raw, file)

    def draw(self) -> None:
        """Draw the checked content, once, if it is valid."""
        document = self.document
        service = document.service if document else None
        if document is None or service is None or self.attempted == self.current:
            return
        self.attempted, self.problem = self.current, None
        try:
            svgs = {view: render(service, view, "svg") for view in VIEWS}
        except BlueprintError as error:
            self.problem = str(error) if error.file else f"{document.file}: {error}"
            return
        measured = metrics_json(measure(service))
        self.svgs, self.drawing = svgs, self.current
        self.shown = {"title": service.title, "lang": service.lang, "labels": page_labels(service.lang),
                      "metrics": metrics_summary(measured, service, service.lang),
                      "details": element_details(service, measured, service.lang)}

    @property
    def title(self) -> str | None:
        """The service's title: of this version when valid, else of the last drawing, if any."""
        service = self.document.service if self.document else None
        return service.title if service is not None else self.shown.get("title")

    def counts(self) -> dict[str, int]:
        """Findings by severity."""
        found = self.document.findings if self.document else ()
        return {s.value: sum(f.severity is s for f in found) for s in Severity}

    def payload(self, rel: str) -> dict[str, Any]:
        assert self.document is not None
        errors = [_finding_json(f) for f in self.document.errors]
        if self.problem and self.attempted == self.current:
            errors.append({"text": self.problem, "code": "", "severity": "error", "targets": []})
        return {"rel": rel, "file": self.document.file, "valid": not errors, "drawing": self.drawing,
                "stale": self.drawing is not None and self.drawing != self.current, "errors": errors,
                "findings": errors or [_finding_json(f) for f in self.document.findings], "counts": self.counts(),
                "title": rel, "lang": "en", "labels": page_labels("en"), "metrics": [], "details": {},
                **self.shown}


class Previews:
    """The service files under PATH, and what the page shows of each. Only these files are ever read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.is_dir()
        self._root = (path if self.folder else path.parent).resolve()
        self._files: dict[str, Path] | None = None
        self._previews: dict[str, Preview] = {}
        self._lock = threading.Lock()

    @property
    def watched(self) -> Path:
        """The folder to watch: PATH, or the folder of the file PATH (editors save by replacing the file)."""
        return self._root

    def files(self) -> dict[str, Path]:
        """Relative name (with `/`) → file, for every service file under PATH that stays inside it; listed
        again after `forget`, which the watcher calls on every change."""
        listed = self._files
        if listed is None:
            listed = {self.path.name: self.path} if not self.folder else {
                path.relative_to(self.path).as_posix(): path for path in find_service_files(self.path)
                if self._inside(path)}
            self._files = listed
        return listed

    def forget(self) -> None:
        self._files = None

    def _inside(self, path: Path) -> bool:
        """Whether a file of a folder PATH really lies in it (a symlink out of PATH does not)."""
        return self._root in path.resolve().parents

    def name_of(self, changed: str) -> str | None:
        """The relative name of a changed path the watcher reported, if it can be a served file. The watcher
        follows symlinked folders, so a file may be reported by a path through one: its real place counts."""
        path = Path(changed).resolve()
        if path.suffix not in SERVICE_SUFFIXES or self._root not in path.parents:
            return None
        rel = path.relative_to(self._root).as_posix()
        return rel if self.folder or rel == self.path.name else None

    def preview(self, rel: str, draw: bool = True) -> Preview | None:
        """The preview of `rel`, checked (and with `draw` drawn) again when its content changed; None when it is
        not served."""
        path = self.files().get(rel)
        if path is None or not is_service_file(path) or (self.folder and not self._inside(path)):
            self._previews.pop(rel, None)
            return None
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError:
            return None
        with self._lock:
            preview = self._previews.setdefault(rel, Preview())
            if preview.document is None or raw != preview.raw:
                preview.check(raw, str(path))
            if draw:
                preview.draw()
            return preview
