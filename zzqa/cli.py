"""Command line: `zzqa check DIR`, `zzqa rules`, `zzqa explain RULE`.

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 the input could not be
checked (one line on stderr naming file and line) or the command line is wrong.

The loaders, the engine and the reporters pull in pandas, pyarrow, pandera and rich: they are
imported inside the commands, so that `--help` and usage errors answer at once.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import tempfile
import textwrap
import traceback
from collections import Counter
from pathlib import Path

import click

from . import i18n
from .model import InputError
from .reporters import NAMES, inert  # cheap: the package imports a format only on use

_GC_HELD = False  # main() turned the collector off, and it was on before
DEBUG = "zzqa.debug"  # key in ctx.meta, which every context of one invocation shares


def find_checks(start: Path | None) -> Path:
    """The checks/ folder: $ZZQA_CHECKS, else the nearest checks/ above the period folder
    (never inside it: the folder checked is the submission, not the judge), else above or
    in the current folder."""
    if os.environ.get("ZZQA_CHECKS"):
        return Path(os.environ["ZZQA_CHECKS"])
    period = start.resolve() if start else None
    bases = list(dict.fromkeys(([period.parent] if period else []) + [Path.cwd()]))
    for base in bases:
        for folder in (base, *base.parents):
            found = folder / "checks"
            if (found / "tables.yaml").exists() and not (
                    period and found.resolve().is_relative_to(period)):
                return found
    tried = " or ".join(str(b) for b in bases)
    inside = " (never inside the folder checked)" if period else ""
    raise InputError("checks/tables.yaml", f"not found in {tried} or any folder above{inside}; "
                     "name the checks/ folder with --checks DIR or the environment variable "
                     "ZZQA_CHECKS=DIR")


def load_catalog(checks: Path | None, start: Path | None):
    from . import compiled
    return compiled.load(checks or find_checks(start))


def known_prefixes(catalog, option: str, prefixes: tuple[str, ...]) -> None:
    """A --select or --ignore prefix that matches no rule is a typo, not a quiet exit 0."""
    names = [n for r in catalog.rules for n in (r.id, *r.aliases)]
    for p in prefixes:
        if not p:
            why = f"{p!r}: an empty prefix would match every rule"
        elif not any(n.startswith(p.upper()) for n in names):
            why = f"{p!r} matches no rule id or alias of the catalog"
        else:
            continue
        raise click.BadParameter(f"{why}; `zzqa rules` lists them",
                                 ctx=click.get_current_context(), param_hint=option)


def checks_option(default: str):
    return click.option("--checks", type=click.Path(path_type=Path), default=None,
                        help=f"The checks/ folder (default: $ZZQA_CHECKS, else the nearest "
                             f"checks/ in or above {default}).")


def _debug(ctx: click.Context, _param, value: bool) -> None:
    if value:
        ctx.meta[DEBUG] = True


def _lang(ctx: click.Context, _param, value: str | None) -> None:
    from . import i18n
    i18n.use(value)


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                           expose_value=False, callback=_lang, is_eager=True,
                           help="Language of the report: zh (中文) or en (default: the "
                                "environment's locale, else en).")

debug_option = click.option("--debug", is_flag=True, expose_value=False, callback=_debug,
                            help="On an internal error, print its full traceback.")


class Cli(click.Group):
    """Input errors and bugs end in one line on stderr and exit 2 (--debug: the traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"zzqa: {inert(exc)}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `zzqa rules | head -1`: the reader left, nothing is wrong
            with contextlib.suppress(OSError, ValueError):  # no real stdout under a test runner
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug
            if ctx.meta.get(DEBUG):
                traceback.print_exc(file=sys.stderr)
            else:
                what = " ".join(str(exc).split())
                click.echo(f"zzqa: internal error: {type(exc).__name__}: {inert(what)} "
                           "(run with --debug for the traceback)", err=True)
            ctx.exit(2)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zzqa")
@debug_option
def cli() -> None:
    """Rounding-aware consistency checker for published statistical bulletins."""


@cli.command(short_help="Check a period, a draft or a workbook.")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(NAMES), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, help="Only rules whose id starts with this (repeatable).")
@click.option("--ignore", multiple=True, help="Skip rules whose id starts with this (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error",
              show_default=True, help="Lowest severity that makes the exit status 1.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: tty).")
@click.option("--width", type=click.IntRange(min=40, max=1000), default=None,
              help="Width of the text report (default: the terminal's; 80 piped).")
@click.option("--max-findings", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Findings listed per rule; the others are counted.")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT=PATH",
              callback=lambda ctx, param, value: _outputs(value),
              help=f"Also write the report in FORMAT ({', '.join(NAMES)}) to PATH "
                   "(repeatable; one check, every format).")
@click.option("--waivers", "waivers_file", type=click.Path(path_type=Path), default=None,
              help="Findings accepted until a date (default: waivers.yaml in the checks/ "
                   "folder, when there is one; docs/ci.md).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge the waivers' expiry as of this date (default: today).")
@checks_option("DIRECTORY, else in or above the current folder")
@lang_option
@debug_option
def check(directory, fmt, select, ignore, fail_on, color, width, max_findings, outputs,
          waivers_file, today, checks) -> None:
    """Check a period folder, a Word draft, an Excel workbook or a folder of CSV exports.

    DIRECTORY is a period folder (the appendix tables, one CSV each as printed,
    bulletin.md and period.yaml), a .docx draft (prose and tables), an .xlsx workbook
    (one sheet per appendix) or a folder of CSV exports (title, 单位 line and header
    included; UTF-8, UTF-16 or GBK); every rule of the catalog is checked against it
    (docs/inputs.md).
    """
    from . import engine, reporters, schema  # noqa: F401  (schema: pandera, used by T rules)
    from . import period as period_mod
    imported()
    form, catalog = load_catalog(checks, directory)
    known_prefixes(catalog, "--select", select)
    known_prefixes(catalog, "--ignore", ignore)
    accepted = _waivers(waivers_file, form, catalog)
    outputs = _targets(outputs, _read(directory, form, waivers_file))
    period = period_mod.load(directory, form)
    report = engine.run(period, form, catalog, select, ignore, max_findings, accepted,
                        today.date() if today else None)
    if not report.tallies:  # nothing would be checked: a gate must not pass on that
        chosen = " ".join([*(f"--select {s}" for s in select), *(f"--ignore {s}" for s in ignore)])
        raise click.UsageError(f"no rule is left to check period {period.name} "
                               f"({chosen or 'every rule is scoped to other periods'})")
    # a path as it can be printed: bytes a file name has that UTF-8 cannot hold, escaped
    report.target = _printable(str(directory).rstrip("/") or ".")
    report.checks_dir = _printable(report.checks_dir)
    if "html" in (fmt, *(name for name, _ in outputs)):  # it shows the tables as printed
        report.printed = engine.printed(period, form)
    for name, path in outputs:  # the files first: a terminal that goes away loses none
        _write(path, reporters.get(name).render(report, width=width or 100, color=False,
                                                fail_on=fail_on))
    tty = sys.stdout.isatty()
    out = reporters.get(fmt).render(report, width=width or (None if tty else 80),
                                    color=tty if color is None else color, fail_on=fail_on)
    click.echo(out, nl=False)
    sys.exit(report.exit_status(fail_on))


@cli.command("import", short_help="Write a draft as a period folder.")
@click.argument("document", type=click.Path(path_type=Path))
@click.option("--into", type=click.Path(path_type=Path), required=True,
              help="The period folder to write (created if need be).")
@click.option("--period", "period_name", default=None, metavar="YYYY-MM",
              help="The period (default: as the document's titles and prose say it).")
@click.option("--force", is_flag=True, help="Write over files the folder already has.")
@checks_option("DOCUMENT, else in or above the current folder")
@lang_option
@debug_option
def import_(document, into, period_name, force, checks) -> None:
    """Write DOCUMENT (a .docx draft, an .xlsx workbook or a folder of CSV exports) as a
    period folder exactly as printed: one CSV per appendix, bulletin.md, period.yaml.
    Checking the folder then finds what checking the document finds."""
    from . import importer
    form, _catalog = load_catalog(checks, document)
    written = importer.write(document, into, form, period_name, force)
    click.echo(f"zzqa: wrote {len(written)} files into {_printable(str(into))}: "
               + ", ".join(written))


def _waivers(path: Path | None, form, catalog) -> list:
    """The waivers of --waivers FILE, else of the checks/ folder's waivers.yaml; each
    naming a rule of the catalog (by id or alias)."""
    from . import waivers
    if path is None:
        path = Path(form.source) / "waivers.yaml"
        if not path.exists():
            return []
    found = waivers.load(path)
    for w in found:
        if catalog.get(w.rule) is None:
            raise InputError(path, f"the waiver names rule {w.rule}, which the catalog does "
                             "not have (`zzqa rules` lists them)", int(w.where.rpartition(":")[2]))
    return found


@cli.command(short_help="Write findings as waivers to edit.")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--output", "output", type=click.Path(path_type=Path), default=None,
              help="Write the waivers to this file (default: standard output).")
@checks_option("DIRECTORY, else in or above the current folder")
@lang_option
@debug_option
def baseline(directory, output, checks) -> None:
    """Write the findings of a period as waivers to edit.

    Every error and warning of DIRECTORY becomes a waiver (one per rule, its cells by
    table, unit and column) with a reason and a name to fill in and an expiry 90 days from
    today: edit it, keep what is truly accepted, and save it as checks/waivers.yaml (or
    pass it with --waivers).
    """
    import datetime as dt

    from . import engine, schema, waivers  # noqa: F401  (schema: pandera, used by T rules)
    from . import period as period_mod
    imported()
    form, catalog = load_catalog(checks, directory)
    target = None
    if output is not None:  # checked before anything is read
        (_, target), = _targets([("yaml", output)], _read(directory, form, None))
        if target.exists():
            raise InputError(output, "exists: zzqa baseline never overwrites a file")
    # every finding, however many: a waiver file that left some out would not accept them
    report = engine.run(period_mod.load(directory, form), form, catalog, max_listed=10**9)
    text = waivers.baseline(report.findings, dt.date.today())
    if target is None:
        click.echo(text, nl=False)
        return
    _write(target, text)
    click.echo(f"{output}: {text.count('- rule: ')} waivers to edit", err=True)


def _outputs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    """--output FORMAT=PATH values, checked before anything is read."""
    out = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT=PATH, e.g. junit=junit.xml",
                                     param_hint="--output")
        if name not in NAMES:
            raise click.BadParameter(f"{name!r} is not a format: one of {', '.join(NAMES)}",
                                     param_hint="--output")
        out.append((name, Path(path)))
    def where(p: Path) -> Path:
        try:
            return p.resolve()
        except (OSError, RuntimeError):  # said by _targets, with the path
            return p
    twice = [p for p, n in Counter(where(p) for _, p in out).items() if n > 1]
    if twice:
        raise click.BadParameter(f"two reports would be written to {twice[0]}",
                                 param_hint="--output")
    return out


def _printable(path: str) -> str:
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _read(directory: Path, form, waivers_file: Path | None) -> list[Path]:
    """What a check reads, which no report may overwrite: the period folder and its files,
    the checks/ folder and every file under it (a linked-in rule file too), the waivers."""
    from . import compiled
    read = [Path(directory), Path(form.source), Path(form.source) / "waivers.yaml"]
    if waivers_file is not None:
        read.append(Path(waivers_file))
    with contextlib.suppress(OSError):
        read += compiled._files(Path(form.source))
    with contextlib.suppress(OSError):
        read += [p for p in Path(directory).iterdir()]
    return read


def _targets(outputs: list[tuple[str, Path]], inputs: list[Path]) -> list[tuple[str, Path]]:
    """Each --output's file, checked before anything is read: never inside a folder read
    (the period, checks/) nor onto a file read (the waivers), never a folder, a device or
    a pipe; an InputError naming the path otherwise."""
    out = []
    for name, path in outputs:
        try:
            target = path.resolve()
            for read in inputs:
                try:
                    read = read.resolve()
                except (OSError, RuntimeError):
                    continue
                if target == read or (read.is_dir() and target.is_relative_to(read)):
                    raise InputError(path, f"is {'inside ' if target != read else ''}{read}, "
                                     "which zzqa reads: write reports elsewhere")
            if target.is_dir():
                raise InputError(path, "is a folder: --output needs a file name")
            if target.exists() and not target.is_file():
                raise InputError(path, "is not a regular file (a device, a pipe): --output "
                                 "writes files only")
        except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
            raise InputError(path, f"cannot be written: {getattr(exc, 'strerror', None) or exc}"
                             ) from None
        out.append((name, target))
    return out


def _write(path: Path, text: str) -> None:
    """Write a report file whole: a temporary file beside it, renamed over it; nothing is
    left behind when that fails.  Characters a file name brought in that UTF-8 cannot hold
    are written escaped."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", errors="backslashreplace",
                                         dir=path.parent, suffix=".tmp", delete=False) as f:
            tmp = f.name
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any file the user writes, not the temp's 0600
        os.replace(tmp, path)
    except (OSError, UnicodeError) as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InputError(path, f"cannot write the report: {getattr(exc, 'strerror', None) or exc}"
                         ) from None


@cli.command()
@click.option("--period", "period_dir", type=click.Path(path_type=Path), default=None,
              help="Count the checks each rule expands to on this period folder.")
@checks_option("the --period folder, else in or above the current folder")
@lang_option
@debug_option
def rules(period_dir, checks) -> None:
    """List the rules of the catalog.

    One line per rule: id, kind, severity, title; with --period, also the number of checks
    the rule expands to on that period.
    """
    form, catalog = load_catalog(checks, period_dir)
    counts = {}
    if period_dir:
        from . import engine, schema  # noqa: F401
        from . import period as period_mod
        imported()
        report = engine.run(period_mod.load(period_dir, form), form, catalog)
        counts = {t.rule: t.checks for t in report.tallies}
    for r in catalog.rules:
        n = f"{counts.get(r.id, '-'):>5}  " if period_dir else ""
        scope = f"  [{r.since or '…'} – {r.until or '…'}]" if r.since or r.until else ""
        title = i18n.title(r.title, form.source)
        click.echo(inert(f"{r.id}  {r.kind:<12} {r.severity:<7} {n}{title}{scope}"))


@cli.command()
@click.argument("rule_id")
@checks_option("the current folder")
@lang_option
@debug_option
def explain(rule_id, checks) -> None:
    """Explain why a rule must hold.

    Prints the rule's title, why it must hold, its parameters, and the documentation of its
    kind.
    """
    form, catalog = load_catalog(checks, None)
    rule = catalog.get(rule_id)
    if rule is None:
        raise InputError("checks/rules", f"no rule {rule_id!r}; `zzqa rules` lists them")
    click.echo(inert(f"{rule.id}  {i18n.title(rule.title, form.source)}") + "\n")
    click.echo(inert(f"kind: {rule.kind}    severity: {rule.severity}    defined in: "
                     f"{Path(form.source) / 'rules' / rule.file}:{rule.line}"))
    if rule.aliases:
        click.echo(inert(f"aliases: {', '.join(rule.aliases)}"))
    if rule.since or rule.until:
        click.echo(inert(f"applies to periods: {rule.since or 'any'} to {rule.until or 'any'}"))
    why = textwrap.fill(rule.why, width=88, initial_indent="  ", subsequent_indent="  ")
    click.echo(inert(f"\nWhy it must hold\n{why}\n", newlines=True))
    for key, value in rule.params.items():
        values = value if isinstance(value, list) else [value]
        click.echo(f"{key}:")
        for v in values:
            click.echo(inert(f"  {v}"))
    click.echo(f"\n--- kind {rule.kind} ---\n{(rule.module.__doc__ or '').strip()}")


@cli.command(short_help="Propose a form and rules from tables.")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--write", "write_dir", type=click.Path(path_type=Path), default=None,
              help="Write the discovered form (tables.yaml, units.yaml, rules/) here.")
@checks_option("the current folder: zzqa's own, whose schema rules a new form starts from")
@debug_option
def discover(path, write_dir, checks) -> None:
    """Discover a new bulletin's form and rules from its tables (docs/discover.md).

    Proposes the unit column, total rows, sums, row identities, percentages, ranks, bounds
    and identities across tables, each with its evidence; rows breaking a rule that holds
    everywhere else are flagged as likely errors.
    """
    from . import discover as discover_mod
    result = discover_mod.discover(path)
    click.echo(inert(discover_mod.report(result), newlines=True))
    if write_dir is not None:
        written = discover_mod.write(result, write_dir, checks)
        click.echo(f"wrote {len(written)} files to {write_dir}; try: zzqa check {path} "
                   f"--checks {write_dir}")


@cli.command(short_help="Scaffold an empty form folder.")
@click.argument("folder", type=click.Path(path_type=Path))
@checks_option("the current folder: zzqa's own, whose schema rules a new form starts from")
@debug_option
def init(folder, checks) -> None:
    """Scaffold an empty form folder (tables.yaml, units.yaml, rules/) to fill in by hand."""
    from . import discover as discover_mod
    for p in discover_mod.init(folder, checks):
        click.echo(str(p))


def main() -> None:
    # pandas, pyarrow and pandera make about a million objects as they import, and the
    # collector would pass over them again and again (0.1-0.15 s of the real period's run)
    # with nothing to free: it is off until the commands have imported them (`imported`)
    global _GC_HELD
    _GC_HELD = gc.isenabled()
    gc.disable()
    try:
        cli()
    finally:  # a caller that catches SystemExit gets its collector back
        imported()


def imported() -> None:
    """The heavy modules are in: keep their objects out of the collector's passes for good
    (gc.freeze) and turn the collector back on, when `main` turned it off (called any
    other way, e.g. by a test runner, zzqa leaves the collector as it found it)."""
    global _GC_HELD
    if _GC_HELD:
        _GC_HELD = False
        gc.freeze()
        gc.enable()
