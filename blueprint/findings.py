"""Findings (errors and design flags), their codes, and the one error root."""
from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(NamedTuple):
    code: str
    title: str
    severity: Severity
    help: str
    threshold: float | None = None


def _e(code: str, title: str, help: str) -> Code:
    return Code(code, title, Severity.ERROR, help)


CODES: dict[str, Code] = {c.code: c for c in (
    _e("E001", "YAML syntax", "The file is not well-formed YAML; fix the syntax at the position shown."),
    _e("E002", "duplicate key", "A mapping names the same key twice; YAML would silently keep the last one."),
    _e("E003", "unknown key",
       "The key is not part of the format; check its spelling, or quote text that holds a comma."),
    _e("E004", "wrong type or value out of range", "The value has the wrong type or lies outside its allowed set."),
    _e("E005", "missing required key", "A required key is missing."),
    _e("E010", "unsupported version", "The file must start with `blueprint: 1`."),
    _e("E101", "duplicate id", "Ids are unique among lanes, and among stages and steps together."),
    _e("E102", "unknown lane", "An action (or an emotion or thinks entry) names a lane that `lanes` does not "
       "declare; or a declared lane id is misspelt, and the steps name the right one."),
    _e("E103", "dangling reference", "A flow reference (STEP or STEP.LANE), an `after` or an `alongside` points "
       "to nothing: no such step, or no action in that lane of the step."),
    _e("E104", "lanes out of order",
       "Lane kinds run top to bottom: evidence, customer, frontstage, backstage, support."),
    _e("E105", "line marker misplaced", "A `line:` marker disagrees with the lane kinds, repeats, or is out of order."),
    _e("E106", "no customer lane", "A blueprint needs at least one lane of kind customer."),
    _e("E107", "bad duration", "Durations are number-unit pairs without spaces, e.g. 45s, 5m, 1h30m, 1.5h, 2d."),
    _e("E108", "flow cycle", "Request flows must not form a cycle (use kind: return for rework loops), and steps "
       "must not wait for each other through `after`."),
    Code("P101", "pain point", Severity.INFO, "An explicit pain point in the journey."),
    Code("P102", "low emotion without a pain point", Severity.WARNING,
         "The customer feels bad here but no pain point says why.", -2),
    Code("F201", "fail point", Severity.INFO, "An action that can fail."),
    Code("F202", "fail point without mitigation", Severity.WARNING, "A fail point with no mitigation planned."),
    Code("F203", "high-risk fail point", Severity.WARNING,
         "A fail point whose risk (severity x likelihood) reaches the threshold.", 15),
    Code("W301", "wait over tolerance", Severity.WARNING, "The expected wait is longer than the customer tolerates."),
    Code("V401", "flow crosses the line of visibility", Severity.WARNING,
         "A customer action leads straight to backstage or support, with no frontstage contact."),
    Code("G501", "touchpoint without frontstage or evidence", Severity.WARNING,
         "The customer meets the service here, but nothing frontstage or physical is there."),
    Code("G502", "too many hand-offs", Severity.WARNING,
         "The step's flows hand off between lanes more often than the threshold.", 3),
    Code("L601", "waste", Severity.INFO, "An action with value: none adds no value for customer or business."),
    Code("T701", "moment of truth at risk", Severity.WARNING,
         "A moment of truth where the customer feels at or below the threshold, or whose csat is below 3.", -1),
)}

FLAG_CODES = tuple(code for code in CODES if not code.startswith("E"))


class Finding(NamedTuple):
    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    step: str | None = None
    lane: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "code": self.code,
            "severity": self.severity.value, "message": self.message,
            "step": self.step, "lane": self.lane,
        }

    def __str__(self) -> str:
        """`FILE:LINE:COL: CODE message`, always one line: control characters in the file name or text are escaped."""
        from .oneline import one_line

        return f"{one_line(self.file)}:{self.line}:{self.column}: {self.code} {one_line(self.message)}"


class BlueprintError(Exception):
    """The one error root: something about a file, at a place in it, that stops the work."""

    def __init__(self, message: str, file: str = "", line: int = 1, column: int = 1,
                 code: str = "E001", exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.exit_code = exit_code

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: " if self.file else ""
        code = f"{self.code} " if self.code else ""
        return f"{where}{code}{self.message}"


class UsageError(BlueprintError):
    """Bad usage, unreadable input, unwritable output, a missing tool: exit 2."""

    def __init__(self, message: str, file: str = "") -> None:
        super().__init__(message, file=file, code="", exit_code=2)

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message
