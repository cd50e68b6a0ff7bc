"""The command line: parses options and calls library functions, nothing more.

Exit codes: 0 no errors (warnings alone pass, unless --strict), 1 errors found,
2 a usage or internal error.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

import click

from okrdsl.diagnostics import UsageProblem
from okrdsl.version import __version__

EXIT_CODES = """\b
Exit codes:
  0  no errors found (warnings alone pass, unless --strict)
  1  errors found (syntax errors included)
  2  usage error, or an internal error in okrdsl"""


# The commands okrdsl.commands defines (tests/test_cli.py holds the two to each other).
ELSEWHERE = ("compile", "diff", "explain", "fmt", "lsp", "new", "rules", "schedule", "schema", "status")


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
    """Turns an unexpected exception into a short message and exit code 2, never a traceback.
    Its commands besides `check` are in okrdsl.commands, imported when one is asked for."""

    def list_commands(self, ctx) -> list[str]:
        return sorted({*self.commands, *ELSEWHERE})

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in ELSEWHERE:
            import okrdsl.commands  # noqa: F401 - its commands add themselves to this group
        return super().get_command(ctx, name)

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


@click.group(cls=_Group, context_settings={"help_option_names": ["--help", "-h"]})
@click.version_option(__version__, prog_name="okrdsl")  # a version given: click reads no package metadata
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the output: auto colours a terminal, unless NO_COLOR is set or TERM is dumb "
                   "(FORCE_COLOR colours any output).")
def main(colour) -> None:
    """okrdsl: write your OKR process and OKR sets as .okrp files; check, format, schedule, compile and compare them."""
    tune_gc()


def colour_wanted(choice: str, environ=os.environ) -> bool | None:
    """Whether to colour: True, False, or None for "a terminal only" (click decides). --color
    always/never wins; then NO_COLOR (no-color.org), FORCE_COLOR, and TERM=dumb, in that order."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return False if environ.get("TERM") == "dumb" else None


def tune_gc(one_shot: bool = False) -> None:
    """Collect garbage less often: parsing makes many small objects that all live until
    the command ends, and the default thresholds make large specs parse in quadratic time.
    For a one-shot command (`check`), not at all: what a check builds holds almost no
    reference cycles (about 130 small objects after a 10,000-step spec, freed when the
    process ends), and the collector's passes over its new objects cost about 4% of a
    large check. Not for long-running ones (`okrdsl lsp`), which keep the thresholds; and
    on again when the command's context closes (a test runs commands in its own process)."""
    import gc

    gc.set_threshold(100_000, 50, 100)
    if one_shot:
        gc.disable()
        context = click.get_current_context(silent=True)
        if context is not None:
            context.call_on_close(gc.enable)


def _complete_codes(ctx, param, incomplete: str) -> list:
    """Shell completion of codes and rule names: the last of a comma-separated list (`--select
    OKR1,unk` offers `OKR1,unknown-role`), or one for `okrdsl explain`."""
    from click.shell_completion import CompletionItem

    from okrdsl.rules import all_codes

    done, _, last = incomplete.rpartition(",")
    head = done + "," if done else ""
    found = []
    for code in all_codes().values():
        for word in (code.id, code.name):
            if word.lower().startswith(last.lower()):
                found.append(CompletionItem(head + word, help=code.summary))
    return found


ROOT_OPTION = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=str), metavar="FOLDER",
    help="The project folder that specs and their includes must stay in "
         "(default: the nearest folder above each spec that holds .git or pyproject.toml).",
)


CONFIG_OPTIONS = (
    click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=str),
                 metavar="FILE", help="Use this configuration file (a pyproject.toml or an .okrdsl.toml) "
                                      "instead of the nearest one to each file."),
    click.option("--isolated", is_flag=True, help="Ignore every configuration file: okrdsl's defaults only."),
)


def _config_options(command):
    for option in reversed(CONFIG_OPTIONS):
        command = option(command)
    return command


def _settings(config_file: str | None, isolated: bool):
    """The configuration lookup for one command; a --config FILE okrdsl cannot use is a usage error."""
    from okrdsl.config import Settings
    from okrdsl.report.safe import shown

    try:
        return Settings(config_file, isolated)
    except UsageProblem as error:
        raise click.BadParameter(shown(str(error)), param_hint="--config") from None


@main.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(readable=False, path_type=str))
@click.option("--format", "output_format", type=_Formats("okrdsl.report"),
              default="text", show_default=True,
              help="text for people; json, github (workflow commands), gitlab (Code Quality) or sarif for tools.")
@click.option("--select", "select", metavar="CODES", default="", shell_complete=_complete_codes,
              help="Report only these codes, code prefixes or rule names, comma-separated (OKR1,OKR201,unused-role); "
                   "replaces the configuration's select and ignore.")
@click.option("--ignore", "ignore", metavar="CODES", default="", shell_complete=_complete_codes,
              help="Do not report these codes, prefixes or rules (on top of the configuration's ignore).")
@click.option("--strict/--no-strict", default=None, help="Fail on warnings too (default: the configuration's strict).")
@click.option("--exit-zero", is_flag=True, help="Always exit 0, even with findings.")
@click.option("--statistics", is_flag=True, help="Print how many findings of each code, instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, without the summary line.")
@click.option("--output-file", type=click.Path(dir_okay=False, writable=False, path_type=str), metavar="FILE",
              help="Write the --format report to FILE (whole, or not at all) and print the findings as text, "
                   "so one run in CI gives both the report and the exit code.")
@ROOT_OPTION
@_config_options
@click.option("--show-settings", is_flag=True,
              help="Print the configuration that applies to each PATH, and where it comes from; check nothing.")
@click.option("--stdin-filename", metavar="PATH",
              help="The name of the spec read from standard input (PATH -): for messages, its includes and its "
                   "configuration.")
@click.option("--tracked", is_flag=True,
              help="Check the .okrp files under PATHS that git tracks (staged ones too), as the pre-commit hook does.")
@click.option("--no-cache", is_flag=True,
              help="Check every file afresh: neither read nor write the result cache (.okrdsl_cache at the project root).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Check files in N processes (default: one per core, when there are enough files to pay for it).")
def check(paths, output_format, select, ignore, strict, exit_zero, statistics, quiet, output_file, root, config_file,
          isolated, show_settings, stdin_filename, tracked, no_cache, jobs) -> None:
    """Check .okrp files and folders (default: the current folder; - reads standard input)."""
    from okrdsl.check import STDIN, check as run_check, check_files
    from okrdsl.report import FORMATS

    tune_gc(one_shot=True)

    settings = _settings(config_file, isolated)
    if show_settings:
        from okrdsl.config import describe

        shown_settings = "\n".join(describe(settings, stdin_filename if path == STDIN and stdin_filename else path)
                                    for path in paths or (".",))
        with _exiting(1 if settings.diagnostics else 0):
            _print_diagnostics(settings.diagnostics, settings.sources)
            _echo(shown_settings)
    if stdin_filename is not None and STDIN not in paths:
        raise click.BadParameter("it names the spec read from standard input: give - as the path too",
                                 param_hint="--stdin-filename")
    stdin = (stdin_filename, getattr(sys.stdin, "buffer", None) or io.BytesIO()) if STDIN in paths else None
    try:
        if stdin is not None:  # standard input is never cached
            result = run_check(paths or (".",), select=_codes(select), ignore=_codes(ignore), root=root,
                               settings=settings, stdin=stdin, tracked=tracked)
        else:
            result = check_files(paths or (".",), select=_codes(select), ignore=_codes(ignore), root=root,
                                 settings=settings, tracked=tracked, use_cache=not no_cache, jobs=jobs)
    except UsageProblem as error:
        from okrdsl.report.safe import shown

        raise click.UsageError(shown(str(error))) from None
    if output_file is not None:
        report = FORMATS[output_format](result.diagnostics, result.sources, result.file_count)
        _write(output_file, report + "\n" if report else "", read=result.read)
        output_format = "text"
    if statistics:
        from okrdsl.report.text import statistics as show

        output = show(result.diagnostics, result.sources, result.file_count, style=click.style)
    else:
        output = FORMATS[output_format](result.diagnostics, result.sources, result.file_count,
                                        style=click.style)
    if quiet and (statistics or output_format == "text"):
        output = "\n".join(output.splitlines()[:-1])  # the summary line is the last
    failing = result.failing(strict)
    with _exiting(1 if failing and not exit_zero else 0):
        if output:
            _echo(output)


def _write(path: str, text: str, read=()) -> None:
    """Write an output file whole (see files.write_atomic), or stop with exit code 2 and why.
    A path that is one of the specs just `read` (the spec compiled, a file it includes) is
    refused: writing there would replace the user's spec with the output."""
    from okrdsl.files import write_atomic
    from okrdsl.report.safe import shown

    target = os.path.realpath(path)
    if any(os.path.realpath(spec) == target for spec in read):
        raise click.BadParameter(f"{shown(path)} is a spec okrdsl has just read: writing the output there would "
                                 "replace it; name another file", param_hint="the output file")
    try:
        write_atomic(path, text)
    except OSError as error:
        click.echo(f"okrdsl: cannot write {shown(path)}: {error.strerror or error}", err=True)
        sys.exit(2)


def _codes(text: str) -> tuple[str, ...]:
    """A comma-separated list of codes, prefixes or rule names; one that matches nothing is a usage error."""
    if not text.strip():
        return ()  # without loading every rule to find out
    from okrdsl.rules.catalogue import resolve_codes

    try:
        return resolve_codes(text.split(","))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--select/--ignore") from None


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
    """Print, in colour as --color and the environment say (see colour_wanted)."""
    context = click.get_current_context(silent=True)
    choice = context.find_root().params.get("colour", "auto") if context is not None else "auto"
    click.echo(text, err=err, color=colour_wanted(choice))


def _print_diagnostics(diagnostics, sources) -> None:
    from okrdsl.report.text import findings

    for block in findings(diagnostics, sources, style=click.style):
        _echo(block, err=True)


