"""The command line: parses options and calls library functions, nothing more.

Exit codes: 0 no errors (warnings alone pass, unless --strict), 1 errors found,
2 a usage or internal error.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from okrdsl.diagnostics import Severity, UsageProblem

EXIT_CODES = """\b
Exit codes:
  0  no errors found (warnings alone pass, unless --strict)
  1  errors found (syntax errors included)
  2  usage error, or an internal error in okrdsl"""


class _Formats(click.Choice):
    """A command's `--format` choices: the names in the FORMATS registry of `module`, read
    only when click needs them, so that start-up does not import every format."""

    def __init__(self, module: str) -> None:  # click.Choice would read the choices at once
        self.module = module
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(__import__(self.module, fromlist=["FORMATS"]).FORMATS)


class _Group(click.Group):
    """Turns an unexpected exception into a short message and exit code 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("okrdsl: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # Every command prints inside _exiting, which keeps its status; this is a last resort.
            _discard_stdout()
            sys.exit(1)
        except MemoryError:
            click.echo("okrdsl: out of memory: the specs checked together are too large for this machine; "
                       "check fewer files at a time, or split the largest specs", err=True)
            sys.exit(2)
        except Exception as error:  # noqa: BLE001 - the last line of defence
            from okrdsl.report.safe import shown

            click.echo(f"okrdsl: internal error: {type(error).__name__}: {shown(str(error))}", err=True)
            click.echo("This is a bug in okrdsl; please report it with the file that caused it.", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="okrdsl", prog_name="okrdsl")
def main() -> None:
    """okrdsl: write your OKR process and OKR sets as .okrp files, and check them."""
    tune_gc()


def tune_gc() -> None:
    """Collect garbage less often: parsing makes many small objects that all live until
    the command ends, and the default thresholds make large specs parse in quadratic time."""
    import gc

    gc.set_threshold(100_000, 50, 100)


ROOT_OPTION = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=str), metavar="FOLDER",
    help="The project folder that specs and their includes must stay in "
         "(default: the nearest folder above each spec that holds .git or pyproject.toml).",
)


@main.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(readable=False, path_type=str))
@click.option("--format", "output_format", type=_Formats("okrdsl.report"),
              default="text", show_default=True,
              help="text for people; json, github (workflow commands), gitlab (Code Quality) or sarif for tools.")
@click.option("--select", "select", metavar="CODES", default="",
              help="Report only these codes, code prefixes or rule names, comma-separated (OKR1,OKR201,unused-role).")
@click.option("--ignore", "ignore", metavar="CODES", default="", help="Do not report these codes, prefixes or rules.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--exit-zero", is_flag=True, help="Always exit 0, even with findings.")
@click.option("--output-file", type=click.Path(dir_okay=False, writable=False, path_type=str), metavar="FILE",
              help="Write the --format report to FILE (whole, or not at all) and print the findings as text, "
                   "so one run in CI gives both the report and the exit code.")
@ROOT_OPTION
def check(paths, output_format, select, ignore, strict, exit_zero, output_file, root) -> None:
    """Check .okrp files and folders (default: the current folder)."""
    from okrdsl.check import check as run_check
    from okrdsl.report import FORMATS

    result = run_check(paths or (".",), select=_codes(select), ignore=_codes(ignore), root=root)
    if output_file is not None:
        report = FORMATS[output_format](result.diagnostics, result.workspace.sources, result.file_count)
        _write(output_file, report + "\n" if report else "")
        output_format = "text"
    output = FORMATS[output_format](result.diagnostics, result.workspace.sources, result.file_count, style=click.style)
    failing = [d for d in result.diagnostics if strict or d.severity is Severity.ERROR]
    with _exiting(1 if failing and not exit_zero else 0):
        if output:
            _echo(output)


def _write(path: str, text: str) -> None:
    """Write an output file whole (see files.write_atomic), or stop with exit code 2 and why."""
    from okrdsl.files import write_atomic
    from okrdsl.report.safe import shown

    try:
        write_atomic(path, text)
    except OSError as error:
        click.echo(f"okrdsl: cannot write {shown(path)}: {error.strerror or error}", err=True)
        sys.exit(2)


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules(output_format) -> None:
    """List every code okrdsl reports, with what it means."""
    from okrdsl.rules.catalogue import listing, markdown

    with _exiting(0):
        _echo(markdown().rstrip("\n") if output_format == "markdown" else listing())


@main.command()
@click.argument("code")
def explain(code) -> None:
    """Explain a code (OKR102) or rule (unknown-role), with examples."""
    from okrdsl.rules.catalogue import explain as explain_code, find

    try:
        found = find(code)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with _exiting(0):
        click.echo(explain_code(found))


def _codes(text: str) -> tuple[str, ...]:
    """A comma-separated list of codes, prefixes or rule names; one that matches nothing is a usage error."""
    from okrdsl.rules.catalogue import resolve_codes

    try:
        return resolve_codes(text.split(","))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--select/--ignore") from None


class _Day(click.ParamType):
    """A date as YYYY-MM-DD, or "today"."""

    name = "date"

    def convert(self, value, param, ctx):
        import datetime

        if isinstance(value, datetime.date):
            return value
        if value.strip().lower() == "today":
            return datetime.date.today()
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            self.fail(f'"{value}" is not a date: write it as YYYY-MM-DD, such as 2022-07-12, or "today"', param, ctx)


class _Stamp(click.ParamType):
    """A moment in UTC as YYYY-MM-DDTHH:MM:SSZ."""

    name = "stamp"

    def convert(self, value, param, ctx):
        import datetime

        if isinstance(value, datetime.datetime):
            return value
        try:
            return datetime.datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            self.fail(f'"{value}" is not a moment in UTC: write it as YYYY-MM-DDTHH:MM:SSZ, such as '
                      "2022-08-01T09:00:00Z", param, ctx)


@main.command(epilog=EXIT_CODES.replace("no errors found (warnings alone pass, unless --strict)", "the schedule was printed")
              .replace("errors found (syntax errors included)", "the spec has errors (printed on standard error)"))
@click.argument("spec", type=click.Path(readable=False, path_type=str))
@click.option("--quarter", metavar="Q", help="Schedule for this quarter (FY23-Q3, FY23 Q3 or fy23q3) instead of the spec's.")
@click.option("--today", type=_Day(), metavar="YYYY-MM-DD",
              help='Mark what is overdue, due this week and due next week ("today" for today).')
@click.option("--format", "output_format", type=_Formats("okrdsl.emit.agenda"), default="table",
              show_default=True)
@click.option("--fiscal-start", metavar="MONTH", help="The month the fiscal year starts (February, feb or 2).")
@click.option("--fiscal-naming", type=click.Choice(["end", "start"]),
              help="Name fiscal years by the calendar year they end in (GitLab) or start in.")
@ROOT_OPTION
def schedule(spec, quarter, today, output_format, fiscal_start, fiscal_naming, root) -> None:
    """Print a spec's dated agenda for a fiscal quarter."""
    from okrdsl.calendar import parse_month
    from okrdsl.check import schedule_file
    from okrdsl.emit.agenda import FORMATS
    from okrdsl.report.safe import shown

    try:
        month = parse_month(fiscal_start) if fiscal_start else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--fiscal-start") from None
    if os.path.isdir(spec):
        raise click.BadParameter(f"{shown(spec)} is a folder: name one .okrp file with a process", param_hint="SPEC")
    try:
        result = schedule_file(spec, quarter, month, fiscal_naming, root)
    except UsageProblem as error:
        raise click.UsageError(shown(str(error))) from None
    with _exiting(1 if result.schedule is None or result.errors else 0):
        _print_diagnostics(result.errors, result.sources)
        if result.schedule is not None:
            _echo(FORMATS[output_format](result.schedule, today, style=click.style))


@main.command(epilog=EXIT_CODES.replace("no errors found (warnings alone pass, unless --strict)", "the status was printed")
              .replace("errors found (syntax errors included)", "the spec has errors (printed on standard error)"))
@click.argument("spec", type=click.Path(readable=False, path_type=str))
@click.option("--format", "output_format", type=_Formats("okrdsl.emit.status"), default="table",
              show_default=True)
@ROOT_OPTION
def status(spec, output_format, root) -> None:
    """Print an OKR set as a tree: owners, progress, score, band and health, rolled up to each objective and level."""
    from okrdsl.check import status_file
    from okrdsl.emit.status import FORMATS
    from okrdsl.report.safe import shown

    if os.path.isdir(spec):
        raise click.BadParameter(f"{shown(spec)} is a folder: name one .okrp file with an OKR set", param_hint="SPEC")
    try:
        result = status_file(spec, root)
    except UsageProblem as error:
        raise click.UsageError(shown(str(error))) from None
    with _exiting(1 if result.okr_sets is None or result.errors else 0):
        _print_diagnostics(result.errors, result.sources)
        if result.okr_sets is not None:
            _echo(FORMATS[output_format](result.okr_sets, result.scoring, style=click.style))


COMPILE_EXIT_CODES = """\b
Exit codes:
  0  compiled (warnings, printed on standard error, do not stop it)
  1  the spec has errors: nothing is written
  2  usage error, an output that cannot be written, or an internal error in okrdsl"""


@main.command("compile", epilog=COMPILE_EXIT_CODES)
@click.argument("spec", type=click.Path(readable=False, path_type=str))
@click.option("--to", "target", type=_Formats("okrdsl.emit.targets"), required=True,
              help="What to make: json for tools, markdown for a handbook page, csv for a spreadsheet, "
                   "ics for a calendar, gitlab-issue for a planning issue, mermaid for a Gantt chart, html for a timeline page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=False, path_type=str), metavar="FILE",
              help="Write to FILE (whole, or not at all) instead of standard output.")
@click.option("--quarter", metavar="Q", help="Date the spec for this quarter (FY23-Q3) instead of its own.")
@click.option("--today", type=_Day(), metavar="YYYY-MM-DD", help='The day to mark ("today" for today).')
@click.option("--with-spans", is_flag=True, help="In JSON, give where each node is written (file, line, column).")
@click.option("--stamp", type=_Stamp(), metavar="YYYY-MM-DDTHH:MM:SSZ",
              help="ics only: the DTSTAMP of every event (default: the quarter's first day at 00:00:00Z, "
                   "so that the same spec gives the same file).")
@ROOT_OPTION
def compile_command(spec, target, output, quarter, today, with_spans, stamp, root) -> None:
    """Compile a spec into JSON, a handbook page, CSV, a calendar, a planning issue, a Gantt chart or a timeline page."""
    from okrdsl.check import compile_file
    from okrdsl.emit import Options
    from okrdsl.emit.targets import FORMATS
    from okrdsl.report.safe import shown

    if os.path.isdir(spec):
        raise click.BadParameter(f"{shown(spec)} is a folder: name one .okrp file", param_hint="SPEC")
    try:
        result = compile_file(spec, quarter, root)
    except UsageProblem as error:
        raise click.UsageError(shown(str(error))) from None
    if result.linked is None:
        with _exiting(1):
            _print_diagnostics(result.diagnostics, result.sources)
    try:  # a target may have nothing it can show: a chart of a spec with no dates
        emitted = FORMATS[target](result.linked, Options(today=today, with_spans=with_spans, stamp=stamp))
    except UsageProblem as error:
        raise click.UsageError(shown(str(error))) from None
    _print_diagnostics(result.diagnostics + emitted.diagnostics, result.sources)
    if output is None:
        with _exiting(0):
            click.echo(emitted.text, nl=False)
        return
    _write(output, emitted.text)
    sys.exit(0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of `okrdsl compile --to json` (draft 2020-12)."""
    from importlib.resources import files

    with _exiting(0):
        click.echo(files("okrdsl").joinpath("data", "compile.schema.json").read_text(encoding="utf-8"), nl=False)


@main.command()
def lsp() -> None:
    """Serve editors over the Language Server Protocol (standard input and output): findings as
    you type, go to definition, references, hovers, completion and the outline. Needs the
    optional extra: pip install 'okrdsl[lsp]'. See docs/editors.md."""
    try:
        import pygls  # noqa: F401
    except ImportError:
        click.echo("okrdsl: the language server needs pygls, which okrdsl installs only on request: "
                   "pip install 'okrdsl[lsp]'", err=True)
        sys.exit(2)
    from okrdsl.lsp.server import serve

    serve()


@contextlib.contextmanager
def _exiting(status: int):
    """Print inside the block, then exit with `status`, decided before printing. A reader
    that stops early (`okrdsl check specs | head -1`) does not change it: the rest of
    the output is dropped, and success stays success."""
    try:
        yield
        if sys.stdout is not None:  # None when the command was started with standard output closed
            sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
    except OSError as error:  # a full disk, say: the output could not be written, so the run failed
        _discard_stdout()
        click.echo(f"okrdsl: cannot write the output: {error.strerror or error}", err=True)
        sys.exit(2)
    sys.exit(status)


def _discard_stdout() -> None:
    """Send what is left of standard output to the null device, so that Python's last flush
    at exit does not fail on the closed pipe again (as the Python docs on SIGPIPE advise)."""
    # Not a real file (a test runner's buffer, or no standard output at all): nothing to redirect.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _echo(text: str, err: bool = False) -> None:
    """Print, in colour only on a terminal, and never when NO_COLOR is set."""
    click.echo(text, err=err, color=False if os.environ.get("NO_COLOR") else None)


def _print_diagnostics(diagnostics, sources) -> None:
    from okrdsl.report.text import findings

    for block in findings(diagnostics, sources, style=click.style):
        _echo(block, err=True)


