"""The journey as Mermaid `journey` text, which GitHub and GitLab preview natively."""
from __future__ import annotations

import re

from . import __version__
from .model import LaneKind, Service

VISIBLE = (LaneKind.CUSTOMER, LaneKind.FRONTSTAGE)   # the lanes whose actors the customer meets
NEUTRAL_SCORE = 3

# Mermaid's journey lexer ends a title at `#` `;` or a newline, a section or task name also at `:`,
# and the actor list splits at `,` and `:`. Such characters become look-alikes that do not.
_LOOKALIKES = {":": "\ua789", "#": "\uff03", ";": "\uff1b", ",": "\u201a"}
_TITLE = str.maketrans({char: _LOOKALIKES[char] for char in "#;"})
_NAME = str.maketrans({char: _LOOKALIKES[char] for char in "#;:"})
_ACTOR = str.maketrans(_LOOKALIKES)
# Whitespace as the lexer's `\s` (JavaScript's) sees it, which is not Python's: it has U+FEFF and lacks
# U+001C-001F and U+0085. Mermaid also reads a carriage return as a newline.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACES = re.compile(f"[{_JS_SPACE}]+")
# A name that starts like a keyword would be read as that keyword, and one that starts with `%` as a
# comment (the lexer as compiled skips `%` to the end of the line); a zero-width space in front prevents both.
_KEYWORD = re.compile(f"(?i)(journey|title[{_JS_SPACE}]|section[{_JS_SPACE}]|acctitle|accdescr|%)")
_PERCENTS = re.compile("%(?=%)")              # `%%` starts a comment, or a directive, anywhere in a line


def _one_line(text: str) -> str:
    """`text` as one Mermaid line: JavaScript whitespace runs as one space, trimmed, no `%%`."""
    return _PERCENTS.sub("% ", _SPACES.sub(" ", text).strip(" "))


def _clean(text: str, table: dict[int, str]) -> str:
    """One line of `text` without the characters `table` replaces."""
    return _one_line(text).translate(table)


def _task(text: str) -> str:
    """A task name: a line of its own, so it must not start like a keyword."""
    name = _clean(text, _NAME)
    return "\u200b" + name if _KEYWORD.match(name) else name


def _comment(text: str) -> str:
    """A `%%` comment line; a file name's bytes that are not UTF-8 show as U+FFFD."""
    return "    %% " + _one_line(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _dropped(service: Service) -> list[str]:
    """What the journey has that Mermaid's `journey` cannot show, counted."""
    steps = service.steps
    actions = [action for step in steps for action in step.actions]
    hidden = [a for a in actions if service.lane(a.lane).kind not in VISIBLE]
    counts = [
        ("backstage, support or evidence action", "backstage, support or evidence actions", len(hidden)),
        ("touchpoint", "touchpoints", sum(step.touchpoint is not None for step in steps)),
        ("thought", "thoughts", sum(step.thinks is not None for step in steps)),
        ("pain point", "pain points", sum(len(step.pains) for step in steps)),
        ("opportunity", "opportunities", sum(len(step.opportunities) for step in steps)),
        ("wait", "waits", sum(step.wait is not None for step in steps)),
        ("fail point", "fail points", sum(action.fail is not None for action in actions)),
        ("duration", "durations", sum(action.duration_s is not None for action in actions)),
        ("flow", "flows", sum(not flow.automatic for flow in service.flows)),
        ("stage goal or KPI", "stage goals and KPIs",
         sum((stage.goal is not None) + len(stage.kpis) for stage in service.stages)),
    ]
    parts = ["persona"] * (service.persona is not None) + ["summary"] * (service.summary is not None)
    return parts + [f"{count} {one if count == 1 else many}" for one, many, count in counts if count]


def journey_mermaid(service: Service, source: str) -> str:
    """Mermaid `journey` text: a section per stage, a task per step scored emotion + 3, actors from the visible
    lanes."""
    lines = ["journey", _comment(f"Exported by blueprint {__version__} from {source}.")]
    dropped = _dropped(service)
    if dropped:
        lines.append(_comment("Not shown (Mermaid journey has no place for them): " + ", ".join(dropped) + "."))
    unscored = [step.id for step in service.steps if step.emotion is None]
    if unscored:
        lines.append(_comment(f"No emotion given, scored {NEUTRAL_SCORE} (neutral): {', '.join(unscored)}."))
    title = _clean(service.title, _TITLE)
    if title:
        lines.append(f"    title {title}")
    for stage in service.stages:
        lines.append(f"    section {_clean(stage.title, _NAME) or stage.id}")
        for step in stage.steps:
            score = NEUTRAL_SCORE if step.emotion is None else step.emotion + 3
            actors = dict.fromkeys(
                _clean(service.lane(action.lane).title, _ACTOR) or action.lane
                for action in step.actions if service.lane(action.lane).kind in VISIBLE)
            task = f"      {_task(step.title) or _task(step.id)}: {score}"
            lines.append(task + (": " + ", ".join(actors) if actors else ""))
    return "\n".join(lines) + "\n"
