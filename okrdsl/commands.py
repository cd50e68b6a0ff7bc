"""The commands besides `check`: rules, explain, schedule, status, compile, fmt, diff, new,
schema and lsp. okrdsl.cli's group imports this module when one of them is run (or lists
them, for --help), so that `okrdsl check`, which a pre-commit hook runs on every commit,
builds only its own options: making these took about 2 ms of every check. Each command
parses its options and calls library functions, as okrdsl.cli's docstring says.
"""

from __future__ import annotations

import io
import os
import sys

import click

from okrdsl.cli import (EXIT_CODES, ROOT_OPTION, _complete_codes, _config_options, _echo, _exiting, _Formats,
                        _print_diagnostics, _settings, _write, main)
from okrdsl.diagnostics import Severity, UsageProblem

@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules(output_format) -> None:
    """List every code okrdsl reports, with what it means."""
    from okrdsl.rules.catalogue import listing, markdown

    with _exiting(0):
        _echo(markdown().rstrip("\n") if output_format == "markdown" else listing())


@main.command()
@click.argument("code", shell_complete=_complete_codes)
def explain(code) -> None:
    """Explain a code (OKR102) or rule (unknown-role), with examples."""
    from okrdsl.rules.catalogue import explain as explain_code, find

    try:
        found = find(code)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with _exiting(0):
        click.echo(explain_code(found))


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
        except ValueError as error:
            import re

            why = f" ({error})" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) else ""
            self.fail(f'"{value}" is not a date{why}: write it as YYYY-MM-DD, such as 2022-07-12, or "today"',
                      param, ctx)


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
@_config_options
def schedule(spec, quarter, today, output_format, fiscal_start, fiscal_naming, root, config_file, isolated) -> None:
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
        result = schedule_file(spec, quarter, month, fiscal_naming, root, _settings(config_file, isolated))
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
@_config_options
def status(spec, output_format, root, config_file, isolated) -> None:
    """Print an OKR set as a tree: owners, progress, score, band and health, rolled up to each objective and level."""
    from okrdsl.check import status_file
    from okrdsl.emit.status import FORMATS
    from okrdsl.report.safe import shown

    if os.path.isdir(spec):
        raise click.BadParameter(f"{shown(spec)} is a folder: name one .okrp file with an OKR set", param_hint="SPEC")
    try:
        result = status_file(spec, root, _settings(config_file, isolated))
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
@click.option("--today", type=_Day(), metavar="YYYY-MM-DD",
              help='csv and html: the day to mark ("today" for today): a status column, a line across the timeline.')
@click.option("--with-spans", is_flag=True, help="In JSON, give where each node is written (file, line, column).")
@click.option("--stamp", type=_Stamp(), metavar="YYYY-MM-DDTHH:MM:SSZ",
              help="ics only: the DTSTAMP of every event (default: the quarter's first day at 00:00:00Z, "
                   "so that the same spec gives the same file).")
@click.option("--stdin-filename", metavar="PATH",
              help="With SPEC -, the spec's path: for messages, its includes, and its configuration.")
@ROOT_OPTION
@_config_options
def compile_command(spec, target, output, quarter, today, with_spans, stamp, stdin_filename, root, config_file,
                    isolated) -> None:
    """Compile a spec into JSON, a handbook page, CSV, a calendar, a planning issue, a Gantt chart or a timeline page.

    SPEC is a .okrp file, or - to read the spec from standard input."""
    from okrdsl.check import STDIN, compile_file
    from okrdsl.emit import Options
    from okrdsl.diagnostics import count
    from okrdsl.emit.targets import FORMATS, MARKS_TODAY
    from okrdsl.report.safe import shown
    from okrdsl.words import plural

    if os.path.isdir(spec):
        raise click.BadParameter(f"{shown(spec)} is a folder: name one .okrp file", param_hint="SPEC")
    if today is not None and target not in MARKS_TODAY:
        raise click.BadParameter(f"it marks the day in --to {' and --to '.join(MARKS_TODAY)}, and this is --to {target}",
                                 param_hint="--today")
    if stamp is not None and target != "ics":
        raise click.BadParameter(f"it sets the events' DTSTAMP of --to ics, and this is --to {target}",
                                 param_hint="--stamp")
    if stdin_filename is not None and spec != STDIN:
        raise click.BadParameter("it names the spec read from standard input: give - as SPEC",
                                 param_hint="--stdin-filename")
    output = None if output == "-" else output  # -o - is standard output, as for most tools
    stdin = (stdin_filename, getattr(sys.stdin, "buffer", None) or io.BytesIO()) if spec == STDIN else None
    try:
        result = compile_file(spec, quarter, root, _settings(config_file, isolated), stdin=stdin)
    except UsageProblem as error:
        raise click.UsageError(shown(str(error))) from None
    if result.linked is None:
        with _exiting(1):
            _print_diagnostics(result.diagnostics, result.sources)
            problems = count(result.diagnostics, Severity.ERROR)
            left = f"{shown(output)} was not written" if output is not None else "nothing was compiled"
            click.echo(f"okrdsl: {left}: the spec has {plural(problems, 'error')} (fix them, then compile again)",
                       err=True)
    try:  # a target may have nothing it can show: a chart of a spec with no dates
        emitted = FORMATS[target](result.linked, Options(today=today, with_spans=with_spans, stamp=stamp))
    except UsageProblem as error:
        raise click.UsageError(shown(str(error))) from None
    _print_diagnostics(result.diagnostics + emitted.diagnostics, result.sources)
    if output is None:
        with _exiting(0):
            click.echo(emitted.text, nl=False)
        return
    _write(output, emitted.text, read=result.sources)
    sys.exit(0)


FMT_EXIT_CODES = """\b
Exit codes:
  0  nothing to change, or the files were rewritten
  1  --check found files to change, or a file could not be read or has syntax
     errors (it is reported and left untouched)
  2  usage error, a file that cannot be written, or an internal error in okrdsl
     (formatting would change a file's meaning: nothing is written)"""


@main.command("fmt", epilog=FMT_EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(readable=False, path_type=str))
@click.option("--check", "check_only", is_flag=True,
              help="Change nothing: list the files that would change, and exit 1 if there are any.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing: print what would change as a unified diff.")
@click.option("--stdin-filename", metavar="PATH", help="The name of the spec read from standard input (-), for messages.")
@ROOT_OPTION
def fmt_command(paths, check_only, show_diff, stdin_filename, root) -> None:
    """Rewrite .okrp files and folders (default: the current folder) in the one canonical layout.

    Comments stay where they are, and the meaning never changes: before a file is
    written, its new text is read again and must mean exactly what the old one did.
    With -, read a spec from standard input and print it formatted."""
    from okrdsl.files import discover
    from okrdsl.fmt import FormatError, format_file, format_text, unified_diff
    from okrdsl.report.safe import shown

    paths = paths or (".",)
    files, problems = discover([p for p in paths if p != "-"], root) if any(p != "-" for p in paths) else ([], [])
    results, broken, failed = [], list(problems), 0
    sources = {}
    for path in ["-"] * ("-" in paths) + [path for path, _ in files]:
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
                try:
                    result = format_text(data.decode("utf-8"), stdin_filename or "-")
                except UnicodeDecodeError:
                    raise click.UsageError("standard input is not UTF-8 text") from None
            else:
                result = format_file(path)
        except FormatError as error:
            click.echo(f"okrdsl: internal error: {shown(str(error))}; it was left untouched", err=True)
            click.echo("This is a bug in okrdsl; please report it with the file that caused it.", err=True)
            failed += 1
            continue
        if result.source is not None:
            sources[result.path] = result.source
        broken.extend(result.diagnostics)
        results.append((path, result))
    changed = [(path, r) for path, r in results if r.changed]
    writing = not check_only and not show_diff
    for path, result in changed:
        if path == "-" or not writing:
            continue
        try:
            from okrdsl.files import write_atomic

            write_atomic(os.path.realpath(path), result.written())
        except OSError as error:
            click.echo(f"okrdsl: cannot write {shown(path)}: {error.strerror or error}", err=True)
            failed += 1
    status = 2 if failed else 1 if broken or (check_only and changed) else 0
    with _exiting(status):
        _print_diagnostics(broken, sources)
        for path, result in results:
            if show_diff and result.changed:
                _echo(unified_diff(result).rstrip("\n"))
            elif path == "-" and not check_only and result.text is not None:
                click.echo(result.written(), nl=False)
        named = [r for path, r in results if path != "-"]
        if named or not results:
            for path, result in changed:
                if path != "-" or check_only:
                    _echo(f"{'would reformat' if not writing else 'reformatted'} {shown(result.path)}", err=True)
            _echo(_fmt_summary(named, writing), err=True)


def _fmt_summary(results, writing: bool) -> str:
    """`1 file reformatted, 5 files left unchanged`, as ruff format says it."""
    from okrdsl.words import plural

    changed = sum(1 for r in results if r.changed)
    same = sum(1 for r in results if r.text is not None and not r.changed)
    stopped = sum(1 for r in results if r.text is None)
    parts = []
    if changed:
        parts.append(f"{plural(changed, 'file')} {'reformatted' if writing else 'would be reformatted'}")
    if same or not parts:
        parts.append(f"{plural(same, 'file')} {'left unchanged' if writing else 'already formatted'}")
    if stopped:
        parts.append(f"{plural(stopped, 'file')} with errors left untouched")
    return ", ".join(parts)


DIFF_EXIT_CODES = """\b
Exit codes (as diff's):
  0  the specs say the same thing
  1  they differ
  2  trouble: a usage error, a spec with errors (printed on standard error),
     or an internal error in okrdsl
With --git-driver the exit code is 0 whenever the changes were shown, as git
expects of a diff driver; a spec with errors is then shown as a text diff."""

GIT_DRIVER_ARGS = ("path", "old-file", "old-hex", "old-mode", "new-file", "new-hex", "new-mode")


@main.command("diff", epilog=DIFF_EXIT_CODES)
@click.argument("specs", nargs=-1, type=click.Path(readable=False, path_type=str), metavar="OLD NEW")
@click.option("--format", "output_format", type=_Formats("okrdsl.emit.changes"), default="text", show_default=True,
              help="text for people, json for tools, markdown for a merge request's description.")
@click.option("--git-driver", is_flag=True,
              help="Take git's 7 arguments (path old-file old-hex old-mode new-file new-hex new-mode), for "
                   "`git config diff.okrdsl.command 'okrdsl diff --git-driver'`.")
@ROOT_OPTION
def diff_command(specs, output_format, git_driver, root) -> None:
    """Show what changed between two specs: roles, steps and meetings, links, policy, OKRs."""
    from okrdsl.emit.changes import FORMATS
    from okrdsl.report.safe import shown

    if git_driver or (len(specs) == len(GIT_DRIVER_ARGS) and _git_args(specs)):
        if len(specs) != len(GIT_DRIVER_ARGS):
            raise click.UsageError(f"--git-driver takes git's {len(GIT_DRIVER_ARGS)} arguments "
                                   f"({' '.join(GIT_DRIVER_ARGS)}), not {len(specs)}")
        _git_diff(specs, output_format, root)
        return
    if len(specs) != 2:
        raise click.UsageError(f"give two specs, OLD and NEW, not {len(specs)}")
    for spec in specs:
        if os.path.isdir(spec):
            raise click.BadParameter(f"{shown(spec)} is a folder: name one .okrp file", param_hint="OLD NEW")
    from okrdsl.diff import diff

    old, new = (_side(spec, root) for spec in specs)
    if old.linked is None or new.linked is None:
        with _exiting(2):
            _print_diagnostics(_errors(old) + _errors(new), {**old.sources, **new.sources})
    changes = diff(old.linked, new.linked)
    with _exiting(1 if changes else 0):
        _echo(FORMATS[output_format](changes, style=click.style))


def _side(path: str, root, text: str | None = None, shown_as: str | None = None):
    """One side of a diff, checked and linked (`linked` None when it has errors); /dev/null is
    an empty spec, as git gives for a file added or deleted."""
    from okrdsl import ir
    from okrdsl.check import Compiled, compile_file
    from okrdsl.link import link

    if path == os.devnull and text is None:
        return Compiled(link([ir.Spec(shown_as or path)], None), (), {})
    return compile_file(shown_as or path, root=root, text=text)


def _errors(compiled) -> tuple:
    return tuple(d for d in compiled.diagnostics if d.severity is Severity.ERROR)


def _git_args(args) -> bool:
    """Whether arguments look like the 7 git gives an external diff driver."""
    import re

    hexes, modes = (args[2], args[5]), (args[3], args[6])
    return all(re.fullmatch(r"[0-9a-f]{7,64}|\.", h) for h in hexes) and all(re.fullmatch(r"[0-7]{6}|\.", m) for m in modes)


def _git_diff(args, output_format, root) -> None:
    """`okrdsl diff` as git's diff driver: the old and new files are read from where git put
    them, but checked as the file at `path`, so that its includes are found beside it."""
    import difflib

    from okrdsl.diff import diff
    from okrdsl.emit.changes import FORMATS
    from okrdsl.files import read_source
    from okrdsl.report.safe import shown

    path, old_file, new_file = args[0], args[1], args[4]
    sides, texts = [], []
    for given, label in ((old_file, "a/"), (new_file, "b/")):
        if given == os.devnull:
            sides.append(_side(given, root, shown_as=path))
            texts.append("")
            continue
        source, problems = read_source(given)
        if source is None:
            with _exiting(2):
                _print_diagnostics(problems, {})
        texts.append(source.text)
        same = os.path.exists(path) and os.path.samefile(given, path)
        sides.append(_side(path, root) if same else _side(given, root, text=source.text, shown_as=path))
    old, new = sides
    with _exiting(0):
        click.echo(f"okrdsl diff a/{shown(path)} b/{shown(path)}")
        if old.linked is None or new.linked is None:
            _print_diagnostics(_errors(old) + _errors(new), {**old.sources, **new.sources})
            click.echo(f"{shown(path)} has errors (above), so here is a diff of its text:")
            lines = difflib.unified_diff(texts[0].splitlines(), texts[1].splitlines(), f"a/{path}", f"b/{path}",
                                         lineterm="")
            click.echo("\n".join(shown(line) for line in lines))
            return
        changes = diff(old.linked, new.linked)
        import attrs

        changes = attrs.evolve(changes, old_path=f"a/{path}", new_path=f"b/{path}")
        _echo(FORMATS[output_format](changes, style=click.style))


NEW_EXIT_CODES = """\b
Exit codes:
  0  the new spec was written (its placeholders are listed on standard error)
  1  the spec given with --from has errors: nothing is written
  2  usage error (FILE exists and --force was not given, say), or an internal error in okrdsl"""


@main.command(epilog=NEW_EXIT_CODES)
@click.option("--from", "source_path", type=click.Path(readable=False, dir_okay=False, path_type=str), required=True,
              metavar="SPEC", help="The spec of the quarter to start from.")
@click.option("--quarter", metavar="Q", help="The new quarter (FY23-Q4, FY23 Q4 or fy23q4); default: the one after SPEC's.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=False, path_type=str), metavar="FILE",
              help="Write the new spec to FILE (whole, or not at all) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@ROOT_OPTION
def new(source_path, quarter, output, force, root) -> None:
    """Start the next quarter's spec from this one's: quarter and titles updated, last feedback
    as learnings, the new quarter's own links as <fill-in> placeholders, everything else kept."""
    from okrdsl.check import check as run_check
    from okrdsl.diagnostics import UsageProblem as Problem
    from okrdsl.new import next_quarter
    from okrdsl.report.safe import shown

    if output is not None and os.path.lexists(output) and not force:
        raise click.UsageError(f"{shown(output)} exists: give --force to replace it")
    checked = run_check([source_path], root=root)
    errors = tuple(d for d in checked.diagnostics if d.severity is Severity.ERROR)
    key = checked.workspace.key(source_path)
    if errors or key not in checked.workspace.files:
        with _exiting(1):
            _print_diagnostics(errors, checked.workspace.sources)
    try:
        text, placeholders = next_quarter(checked.workspace.sources[key], checked.workspace.files[key].spec,
                                          quarter, output, output or "<stdout>")
    except Problem as error:
        raise click.UsageError(shown(str(error))) from None
    from okrdsl.source import Source

    shown_in = {output or "<stdout>": Source(output or "<stdout>", text)}
    if output is None:
        with _exiting(0):
            _print_diagnostics(placeholders, shown_in)
            click.echo(text, nl=False)
        return
    _write(output, text)
    with _exiting(0):
        _print_diagnostics(placeholders, shown_in)
        left = f": fill in the {len(placeholders)} placeholder{'s' if len(placeholders) != 1 else ''} above" \
            if placeholders else ""
        click.echo(f"okrdsl: wrote {shown(output)}{left}", err=True)


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
