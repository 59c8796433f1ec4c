"""Command line: `zzqa check DIR`, `zzqa rules`, `zzqa explain RULE`.

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 the input could not be
checked (one line on stderr naming file and line).
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import click

from . import catalog as catalog_mod
from . import engine, reporters
from . import form as form_mod
from . import period as period_mod
from .model import InputError


def find_checks(start: Path | None) -> Path:
    """The checks/ folder: $ZZQA_CHECKS, else the nearest checks/ above the period or cwd."""
    if os.environ.get("ZZQA_CHECKS"):
        return Path(os.environ["ZZQA_CHECKS"])
    for base in ([start.resolve()] if start else []) + [Path.cwd()]:
        for folder in (base, *base.parents):
            if (folder / "checks" / "tables.yaml").exists():
                return folder / "checks"
    raise InputError("checks/", "no checks/ folder (tables.yaml) found; pass --checks DIR")


def load_catalog(checks: Path | None, start: Path | None):
    checks = checks or find_checks(start)
    form = form_mod.load(checks)
    return form, catalog_mod.load(checks, form)


checks_option = click.option("--checks", type=click.Path(path_type=Path), default=None,
                             help="The checks/ folder (default: nearest one above DIR or here).")


class Cli(click.Group):
    """Turns input errors into one line on stderr and exit 2 — never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"zzqa: {exc}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit,
                BrokenPipeError):
            raise
        except Exception as exc:  # a bug: still one line and exit 2
            click.echo(f"zzqa: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zzqa")
def cli() -> None:
    """Rounding-aware consistency checker for published statistical bulletins."""


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(reporters.NAMES), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, help="Only rules whose id starts with this (repeatable).")
@click.option("--ignore", multiple=True, help="Skip rules whose id starts with this (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error",
              show_default=True, help="Lowest severity that makes the exit status 1.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: tty).")
@click.option("--width", type=int, default=None, help="Width of the text report.")
@checks_option
def check(directory, fmt, select, ignore, fail_on, color, width, checks) -> None:
    """Check a period folder (CSV tables + bulletin.md) against the catalog."""
    form, catalog = load_catalog(checks, directory)
    period = period_mod.load(directory, form)
    report = engine.run(period, form, catalog, select, ignore)
    report.target = str(directory).rstrip("/") or "."
    if fmt == "text":
        tty = sys.stdout.isatty()
        out = reporters.get("text").render(report, width=width or (None if tty else 80),
                                           color=tty if color is None else color)
    else:
        out = reporters.get(fmt).render(report)
    click.echo(out, nl=False)
    sys.exit(report.exit_status(fail_on))


@cli.command()
@click.option("--period", "period_dir", type=click.Path(path_type=Path), default=None,
              help="Count the checks each rule expands to on this period folder.")
@checks_option
def rules(period_dir, checks) -> None:
    """List the catalog: id, kind, severity, title (and checks per rule on --period)."""
    form, catalog = load_catalog(checks, period_dir)
    counts = {}
    if period_dir:
        report = engine.run(period_mod.load(period_dir, form), form, catalog)
        counts = {t.rule: t.checks for t in report.tallies}
    for r in catalog.rules:
        n = f"{counts.get(r.id, '-'):>5}  " if period_dir else ""
        click.echo(f"{r.id}  {r.kind:<12} {r.severity:<7} {n}{r.title}")


@cli.command()
@click.argument("rule_id")
@checks_option
def explain(rule_id, checks) -> None:
    """Why a rule must hold, its parameters, and its kind's documentation."""
    _, catalog = load_catalog(checks, None)
    rule = catalog.get(rule_id)
    if rule is None:
        raise InputError("checks/rules", f"no rule {rule_id!r}; `zzqa rules` lists them")
    click.echo(f"{rule.id}  {rule.title}\n")
    click.echo(f"kind: {rule.kind}    severity: {rule.severity}    defined in: "
               f"checks/rules/{rule.file}:{rule.line}")
    if rule.aliases:
        click.echo(f"aliases: {', '.join(rule.aliases)}")
    why = textwrap.fill(rule.why, width=88, initial_indent="  ", subsequent_indent="  ")
    click.echo(f"\nWhy it must hold\n{why}\n")
    for key, value in rule.params.items():
        values = value if isinstance(value, list) else [value]
        click.echo(f"{key}:")
        for v in values:
            click.echo(f"  {v}")
    click.echo(f"\n--- kind {rule.kind} ---\n{(rule.module.__doc__ or '').strip()}")


def main() -> None:
    try:
        cli()
    except BrokenPipeError:  # `zzqa rules | head`: the reader left; nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
