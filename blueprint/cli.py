"""The command line: parse options, call the API, print, pick the exit code."""
from __future__ import annotations

import errno
import functools
import gc
import json
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

from . import __version__
from .findings import BlueprintError, UsageError

if TYPE_CHECKING:
    from .api import Document
    from .model import Service

app = typer.Typer(
    help="Service blueprints and customer journey maps from one YAML file: check, measure, draw, report.\n\n"
         "How to write a service file (every key, metric and finding): docs/format.md in the blueprint project. "
         "Start one with `blueprint init`; `blueprint init --list` names the examples.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]})

F = TypeVar("F", bound=Callable[..., Any])
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT})


def _errors_to_exit(command: F) -> F:
    """A BlueprintError becomes its message on stderr and its exit code; never a traceback."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BlueprintError as exc:
            from .oneline import one_line

            typer.echo(one_line(f"blueprint: {exc}" if exc.exit_code == 2 else str(exc)), err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("blueprint: interrupted", err=True)
            raise typer.Exit(130) from None
    return wrapper  # type: ignore[return-value]


def _print_errors(document: Document) -> None:
    """An invalid file's errors on stderr, as `check` prints them."""
    from .formats import as_text

    typer.echo(as_text(document.errors), err=True, nl=False)


def _exit_if_invalid(document: Document) -> Service:
    """The checked file's service; exit 1 with the errors when the file is invalid."""
    if document.service is None:
        _print_errors(document)
        raise typer.Exit(1)
    return document.service


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"blueprint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None) -> None:
    """Service blueprints and customer journey maps from one YAML file.

    Example:  blueprint check samples/   ·   blueprint render samples/hotel-stay.yaml -f png -o out/
    """


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


@app.command()
@_errors_to_exit
def check(
    paths: Annotated[list[Path], typer.Argument(help="Service files, or folders to search for them.")],
    format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run (exit 1); info does not.")] = False,
    services_only: Annotated[bool, typer.Option(
        "--services-only", help="Skip named files without a top-level `blueprint:` key (for pre-commit).")] = False,
) -> None:
    """Check service files: every error and design flag, as FILE:LINE:COL: CODE message.

    A folder means every *.yaml/*.yml below it with a top-level `blueprint:` key.
    Exit 0 when valid (flags allowed unless --strict), 1 when invalid, 2 on bad usage.

    Example:  blueprint check samples/ --format json
    """
    from .api import check_file, expand_paths, is_service_file
    from .formats import render_findings, summary

    # A short run that makes no reference cycles: the collector would only walk a big file's objects again.
    gc.disable()
    files = expand_paths(paths)
    if services_only:
        files = [path for path in files if is_service_file(path)]
    documents = [check_file(path, strict) for path in files]
    findings = [finding for document in documents for finding in document.findings]
    typer.echo(render_findings(findings, format.value, colour=_colour()), nl=False)
    if format is CheckFormat.text:
        typer.echo(summary(findings, len(files)), err=True)
    raise typer.Exit(1 if any(document.fails(strict) for document in documents) else 0)


@app.command()
@_errors_to_exit
def metrics(
    file: Annotated[Path, typer.Argument(help="A service file.")],
    format: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
) -> None:
    """Measure a service: the schedule (start, finish, critical steps), lead time and the critical path,
    value-added time and ratio, cost, touchpoint scores, fail-point risk.

    Example:  blueprint metrics samples/hotel-stay.yaml --format json
    """
    from .api import check_file
    from .metrics import measure, metrics_json
    from .tables import metrics_table

    service = _exit_if_invalid(check_file(file))
    measured = measure(service)
    if format is TextOrJson.json:
        typer.echo(json.dumps(metrics_json(measured), ensure_ascii=False, indent=2))
    else:
        typer.echo(metrics_table(service, measured), nl=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the service file format, for editors.

    Example:  blueprint schema > blueprint.schema.json
    """
    from .schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command()
@_errors_to_exit
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter file.")] = Path("service.yaml"),
    example: Annotated[Optional[str], typer.Option(
        "--example", help="Start from this example instead (see --list).")] = None,
    list_examples: Annotated[bool, typer.Option("--list", help="List the examples and exit.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter service file that passes `check`, or one of the examples.

    Example:  blueprint init services/coffee.yaml   ·   blueprint init ed.yaml --example ed-visit-older-patient
    """
    from importlib.resources import files

    from .examples import example_text, example_titles
    from .write import write_atomic

    if list_examples:
        titles = example_titles()
        width = max(map(len, titles))
        typer.echo("\n".join(f"{name:<{width}}  {title}" for name, title in titles.items()))
        return
    if path.exists() and not force:
        raise UsageError("already exists (use --force to overwrite)", file=str(path))
    if example is None:
        text = files("blueprint.templates").joinpath("starter.yaml").read_text(encoding="utf-8")
    else:
        text = example_text(example)
    write_atomic(path, text.replace("{filename}", path.name))
    typer.echo(f"wrote {path}")


class View(str, Enum):
    blueprint = "blueprint"
    journey = "journey"
    all = "all"


class DiagramFormat(str, Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"


@app.command()
@_errors_to_exit
def render(
    files: Annotated[list[Path], typer.Argument(help="Service files.")],
    format: Annotated[DiagramFormat, typer.Option("-f", "--format", help="Output format.")] = DiagramFormat.svg,
    view: Annotated[View, typer.Option("--view", help="Which diagram(s).")] = View.all,
    out: Annotated[Optional[Path], typer.Option(
        "-o", "--out", help="Output folder (default: next to each input).")] = None,
    compare: Annotated[Optional[str], typer.Option(
        "--compare", help="An older version (a file or REV:path): mark what changed since.")] = None,
) -> None:
    """Draw the service blueprint and the journey map: DIR/STEM.blueprint.FMT, DIR/STEM.journey.FMT.

    An invalid file prints its findings and is skipped (exit 1); the others are drawn.
    `-f dot` writes DOT that renders to the same picture with plain `dot -Tsvg`.
    With --compare OLD, steps added and actions changed since OLD are marked and the steps
    removed are listed in a box.

    Example:  blueprint render samples/hotel-stay.yaml -f png -o out/
    """
    from .api import check_file
    from .outputs import VIEWS, plan_outputs, render_outputs
    from .write import write_atomic

    older = None
    if compare is not None:
        from .versions import check_version

        older = check_version(compare)
        _exit_if_invalid(older)

    views = VIEWS if view is View.all else (view.value,)
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError("-o must be a folder", file=str(out))
    plan = plan_outputs(files, out, views, (format.value,))
    failed = False
    for source, targets in plan.items():
        document = check_file(source)
        if document.service is None:
            _print_errors(document)
            failed = True
            continue
        marks = None
        if older is not None:
            from .diff import diff_documents, marks as marks_of

            marks = marks_of(diff_documents(older, document))
        for target, data in zip(targets, render_outputs(document.service, views, (format.value,), marks)):
            write_atomic(target, data)
            typer.echo(f"wrote {target}")
    raise typer.Exit(1 if failed else 0)


def _build_options(formats: str, report: bool) -> Any:
    """Options for `build` and `watch` from `-f svg,png` and `--report`."""
    from .build import Options

    return Options(tuple(dict.fromkeys(part.strip() for part in formats.split(",") if part.strip())), report)


@app.command()
@_errors_to_exit
def build(
    src: Annotated[Path, typer.Argument(help="Folder of service files (searched recursively).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder; SRC's sub-folders are mirrored.")],
    jobs: Annotated[Optional[int], typer.Option(
        "-j", "--jobs", min=1, help="Worker processes (default: cores).")] = None,
    formats: Annotated[str, typer.Option("-f", "--format", help="Comma-separated: svg, png, pdf, dot.")] = "svg",
    report: Annotated[bool, typer.Option("--report", help="Also write STEM.report.pdf.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Build nothing; exit 1 naming stale outputs.")] = False,
    shard: Annotated[str, typer.Option("--shard", metavar="I/N", help="Build only part I of N stable parts.")] = "1/1",
) -> None:
    """Draw every service file under SRC into OUT, rebuilding only what changed.

    OUT/a/b.blueprint.svg and OUT/a/b.journey.svg for SRC/a/b.yaml. A manifest in OUT records
    what was built from which content, options and version; outputs of deleted sources are
    removed if unedited, and nothing outside OUT is touched. A broken file prints its findings
    and the others are built (exit 1). A second build of the same OUT waits for the first.
    With --shard I/N, CI runners build disjoint parts whose OUT folders copy together.

    Example:  blueprint build docs/services -o docs/diagrams -f svg,png --shard 2/4
    """
    from .build import build as build_folder, default_jobs, parse_shard, plan_build
    from .progress import progress_for_terminal

    options, part = _build_options(formats, report), parse_shard(shard)
    if check:
        plan = plan_build(src, out, options, part)
        for warning in plan.manifests.warnings:
            typer.echo(f"blueprint: {warning}", err=True)
        stale = plan.stale()
        typer.echo("".join(line + "\n" for line in stale), nl=False)
        typer.echo(f"{len(stale)} stale, {len(plan.current)} up to date", err=True)
        raise typer.Exit(1 if stale else 0)
    with progress_for_terminal() as progress:
        summary = build_folder(src, out, options, jobs or default_jobs(), progress, part)
    typer.echo(str(summary))
    raise typer.Exit(summary.exit_code)


@app.command()
@_errors_to_exit
def watch(
    src: Annotated[Path, typer.Argument(help="Folder of service files (searched recursively).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder; SRC's sub-folders are mirrored.")],
    jobs: Annotated[Optional[int], typer.Option(
        "-j", "--jobs", min=1, help="Worker processes (default: cores).")] = None,
    formats: Annotated[str, typer.Option("-f", "--format", help="Comma-separated: svg, png, pdf, dot.")] = "svg",
    report: Annotated[bool, typer.Option("--report", help="Also write STEM.report.pdf.")] = False,
) -> None:
    """Build SRC into OUT like `build`, then rebuild whatever changes until Ctrl-C.

    A broken file prints its findings and the watch goes on.

    Example:  blueprint watch docs/services -o docs/diagrams
    """
    from .build import default_jobs
    from .progress import progress_for_terminal
    from .watch import watch as watch_folder

    watch_folder(src, out, _build_options(formats, report), jobs or default_jobs(), progress_for_terminal)


@app.command()
@_errors_to_exit
def serve(
    path: Annotated[Path, typer.Argument(help="A service file, or a folder of them.")],
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; other than loopback, with a warning.")]
    = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the browser.")] = False,
) -> None:
    """A live preview page: both diagrams with zoom and pan, metrics and findings, redrawn on every save.

    An invalid file keeps its last good drawing under an overlay of its errors. Needs the package's
    `serve` extra (docs/serve.md). Exit 2 when the port is in use.

    Example:  blueprint serve samples/ --open
    """
    from .serve.run import serve as serve_preview

    serve_preview(path, host, port, open_browser, typer.echo, lambda text: typer.echo(text, err=True))


class ExportFormat(str, Enum):
    mermaid = "mermaid"


@app.command()
@_errors_to_exit
def export(
    file: Annotated[Path, typer.Argument(help="A service file.")],
    to: Annotated[ExportFormat, typer.Option("--to", help="Target notation.")],
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write to this file (default: stdout).")] = None,
) -> None:
    """Export the journey as Mermaid `journey` text, which GitHub and GitLab preview natively.

    A section per stage, a task per step scored emotion + 3, with the actors of the customer
    and frontstage lanes; what Mermaid cannot show is listed in a comment.

    Example:  blueprint export samples/hotel-stay.yaml --to mermaid -o docs/hotel-stay.mmd
    """
    from .api import check_file
    from .export_mermaid import journey_mermaid
    from .write import write_atomic

    text = journey_mermaid(_exit_if_invalid(check_file(file)), str(file))
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)


class Paper(str, Enum):
    a4 = "a4"
    a3 = "a3"
    letter = "letter"


@app.command()
@_errors_to_exit
def diff(
    old: Annotated[str, typer.Argument(help="The old version: a file, or REV:path read from git.")],
    new: Annotated[str, typer.Argument(help="The new version: a file, or REV:path.")],
    format: Annotated[TextOrJson, typer.Option(
        "--format", help="Output format (stdout or a text -o FILE).")] = TextOrJson.text,
    out: Annotated[Optional[Path], typer.Option(
        "-o", "--out", help="Write to this file (default: stdout); .pdf or .html makes the comparison report.")] = None,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size of the comparison report.")] = Paper.a4,
    portrait: Annotated[bool, typer.Option("--portrait", help="Portrait pages (default: landscape).")] = False,
    date: Annotated[Optional[str], typer.Option("--date", help="Date for the report, YYYY-MM-DD.")] = None,
) -> None:
    """What changed between two versions of a service: the numbers (lead time, value-added ratio,
    cost, fail-point risk, findings), steps added, removed or changed, findings resolved, added
    and still open. With -o FILE.pdf or FILE.html: the comparison report a workshop decides from.

    A version may be REV:path, read with `git show` (HEAD~1:services/hotel.yaml); a file of that
    name, when one exists, wins. Exit 1 when either version is invalid (its errors are printed and
    no report is written), 2 for a bad revision or path.

    Example:  blueprint diff HEAD~1:services/hotel.yaml services/hotel.yaml -o compare.pdf
    """
    from . import diff as diffs
    from .diff_text import as_text
    from .versions import check_version
    from .write import check_target, write_atomic

    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    if out is not None:
        check_target(out)
    result = diffs.diff_documents(check_version(old), check_version(new))
    for document in (result.old, result.new):
        if not document.valid:
            _print_errors(document)
    if out is not None and suffix in ("pdf", "html"):
        if not result.valid:
            raise typer.Exit(1)
        from .report.compare import comparison_report

        write_atomic(out, comparison_report(result, suffix, paper.value, portrait, date))
        typer.echo(f"wrote {out}")
        return
    text = diffs.as_json(result) if format is TextOrJson.json else as_text(result)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
    raise typer.Exit(0 if result.valid else 1)


@app.command()
@_errors_to_exit
def report(
    file: Annotated[Path, typer.Argument(help="A service file.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The report file; .pdf or .html picks the format.")],
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size.")] = Paper.a4,
    portrait: Annotated[bool, typer.Option("--portrait", help="Portrait pages (default: landscape).")] = False,
    date: Annotated[Optional[str], typer.Option(
        "--date", help="Date for the cover, YYYY-MM-DD (default: from SOURCE_DATE_EPOCH, else none).")] = None,
) -> None:
    """Write a workshop report: cover, journey map, blueprint, pain, fail and wait points, metrics,
    opportunities and every finding. On paper the diagrams are printed in runs of steps (a tall
    blueprint also in groups of lanes), one page each, never below 6 pt text; a flow that leaves
    a page ends in a connector naming the page of its other end. As HTML each diagram is whole,
    to pan and zoom, and every finding links to its element. An invalid file prints its findings
    (exit 1); an existing report is only ever replaced by a complete new one.

    Example:  blueprint report samples/hotel-stay.yaml -o hotel-stay.pdf --paper a3
    """
    from .api import check_file
    from .report import format_for, report as make_report
    from .write import check_target, write_atomic

    fmt = format_for(out)
    check_target(out)
    document = check_file(file)
    _exit_if_invalid(document)
    write_atomic(out, make_report(document, fmt, paper.value, portrait, date))
    typer.echo(f"wrote {out}")


class Sheet(str, Enum):
    a0 = "a0"
    a1 = "a1"
    a2 = "a2"
    a3 = "a3"
    a4 = "a4"


class TilePaper(str, Enum):
    a4 = "a4"
    a3 = "a3"


class PosterView(str, Enum):
    blueprint = "blueprint"
    journey = "journey"


@app.command()
@_errors_to_exit
def poster(
    file: Annotated[Path, typer.Argument(help="A service file.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The poster, a .pdf file.")],
    view: Annotated[PosterView, typer.Option("--view", help="Which diagram.")] = PosterView.blueprint,
    paper: Annotated[Sheet, typer.Option("--paper", help="The poster's sheet (landscape).")] = Sheet.a1,
    tile: Annotated[Optional[TilePaper], typer.Option(
        "--tile", help="Cut the poster into overlapping pages of this paper, with crop marks and a map.")] = None,
    date: Annotated[Optional[str], typer.Option(
        "--date", help="Date for the title block, YYYY-MM-DD (default: from SOURCE_DATE_EPOCH, else none).")] = None,
) -> None:
    """Write a wall poster: the whole diagram on one sheet with a title block, or with --tile cut into
    overlapping office pages (10 mm overlap) named A1, A2 ..., with crop marks and an assembly map.
    Exit 2 when text would fall under 5 pt, naming the smallest paper that fits.

    Example:  blueprint poster samples/hotel-stay.yaml -o hotel.pdf --paper a1 --tile a4
    """
    from .api import check_file
    from .report.poster import poster as make_poster
    from .write import check_target, write_atomic

    if out.suffix.lower() != ".pdf":
        raise UsageError(f"the poster's file name must end in .pdf, not {out.suffix or '(nothing)'!r}", file=str(out))
    check_target(out)
    document = check_file(file)
    _exit_if_invalid(document)
    write_atomic(out, make_poster(document, view.value, paper.value, tile.value if tile else None, date))
    typer.echo(f"wrote {out}")


def _only_the_command_named(argv: list[str]) -> None:
    """When the first argument names a command, leave Typer only that one to set up.

    Typer inspects every parameter of every registered command before it parses anything; a pre-commit hook
    running `check` should not pay for the other eleven (about 15 ms of a 90 ms start).
    """
    named = [info for info in app.registered_commands
             if argv[1:2] == [info.name or typer.main.get_command_name(info.callback.__name__)]]  # type: ignore[union-attr]
    if named:
        app.registered_commands = named


def _run() -> None:
    """The app; standard output on a full disk is exit 2, not a traceback."""
    _only_the_command_named(sys.argv)
    try:
        app(prog_name="blueprint")
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS or exc.filename is not None:
            raise
        sys.stdout = open(os.devnull, "w")  # what could not be written must not fail again at exit
        typer.echo(f"blueprint: cannot write output: {exc.strerror}", err=True)
        sys.exit(2)


def main() -> None:
    """The console-script entry point.

    It leaves with os._exit once the output is flushed, as mypy does: freeing a big file's millions of objects
    one by one at exit takes longer than printing its findings (0.2 s of a 10,000-step check).
    """
    try:
        _run()
        code: Any = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            pass  # reported already, where the write failed
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
