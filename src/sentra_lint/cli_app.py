"""The typer app: every command, ``--help``, and ``check`` when :func:`sentra_lint.cli.main`
does not take its fast path. ``check``'s parameters are generated from
:data:`sentra_lint.cli_options.CHECK_PARAMS` and it calls
:func:`sentra_lint.cli_check.check_command`.
"""

from __future__ import annotations

import inspect
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from sentra_lint.cli_check import check_command
from sentra_lint.cli_options import CHECK_PARAMS, rewrite_fix

app = typer.Typer(
    name="sentra-lint",
    help="Lint Dockerfiles, GitHub Actions workflows and Compose files for container hardening.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from sentra_lint._version import version

        sys.stdout.write(f"sentra-lint {version()}\n")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """Lint Dockerfiles, GitHub Actions workflows and Compose files for container hardening."""


@app.command("version")
def version_cmd() -> None:
    """Print the version."""
    _print_version(True)


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"sentra-lint: error: {message}\n")
    return typer.Exit(2)


class _CheckCommand(TyperCommand):
    """``check``, reading ``--fix=unsafe`` (an optional value Typer cannot declare) as ``--unsafe-fixes``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        result: list[str] = super().parse_args(ctx, rewrite_fix(args))
        return result


def _check_function() -> Any:
    """``check(**values)`` with a signature typer reads as the parameters of :data:`CHECK_PARAMS`."""
    params: list[inspect.Parameter] = []
    annotations: dict[str, Any] = {}
    for p in CHECK_PARAMS:
        info = typer.Option(*p.flags, help=p.help) if p.flags else typer.Argument(help=p.help)
        annotation = Annotated[p.annotation, info]  # type: ignore[name-defined]  # built at run time
        params.append(inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default, annotation=annotation))
        annotations[p.name] = annotation

    def check(**values: Any) -> None:
        code = check_command(values)
        if code:
            raise typer.Exit(code)

    check.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    check.__annotations__ = {**annotations, "return": None}
    check.__doc__ = "Lint files and directories."
    return check


app.command("check", cls=_CheckCommand)(_check_function())


@app.command("rules")
def rules_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List every rule: id, name, the levels its findings may have (error/note), profile."""
    import json

    from sentra_lint.packs import PROFILES, load_pack
    from sentra_lint.rules import all_rules

    packs = {p: set(load_pack(p).enabled_ids()) for p in PROFILES}
    rows = []
    fixable: dict[str, bool] = {}
    for rule in all_rules():
        first = next((p for p in PROFILES if rule.id in packs[p]), "-")
        profile = {"phase1": "P1", "phase2": "P2", "phase3": "P3", "all": "opt-in"}.get(first, "-")
        levels = "/".join(level.value for level in rule.meta.levels)
        rows.append((rule.id, rule.meta.slug, levels, profile, rule.meta.title))
        fixable[rule.id] = rule.meta.fixable
    if fmt == "json":
        keys = ("id", "name", "severity", "profile", "title")
        doc = [
            {**dict(zip(keys, r, strict=True)), "severity": r[2].split("/")[0], "severities": r[2].split("/"),
             "fixable": fixable[r[0]]}
            for r in rows
        ]
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    width = max((len(r[1]) for r in rows), default=10)
    sev_width = max((len(r[2]) for r in rows), default=7)
    for rid, name, sev, prof, title in rows:
        sys.stdout.write(f"{rid}  {name:<{width}}  {sev:<{sev_width}}  {prof:<6}  {title}\n")


@app.command()
def explain(rule_id: Annotated[str, typer.Argument(help="A rule id (SC001) or name (cap-drop-all).")]) -> None:
    """Print a rule's documentation: what it does, why, an example and the fix."""
    from sentra_lint.rules import BUILTIN, load_rule

    rid = BUILTIN.resolve(rule_id)
    rule = load_rule(rid) if rid is not None else None
    if rule is None:
        raise _fail(f"unknown rule id '{rule_id}' (see 'sentra-lint rules')")
    m = rule.meta
    family = ""
    if m.family:
        from sentra_lint.agents.targets import FAMILY_TEXT

        family = f"Family: {FAMILY_TEXT.get(m.family, m.family)}\n\n"
    sys.stdout.write(f"{m.id} {m.slug} [{m.severity.value}]\n\n{family}{rule.doc}\n")


def _verify_command() -> Any:
    from sentra_lint.verify.command import verify

    return verify


app.command("verify")(_verify_command())


SCHEMAS = ("config", "output", "policy")


@app.command()
def schema(
    which: Annotated[str, typer.Argument(help="config (with every rule's options), output (--format json) or policy.")]
    = "config",
) -> None:
    """Print a JSON Schema: the configuration's (for editors), the JSON report's, or a policy file's."""
    import json

    from sentra_lint.config import composed_schema
    from sentra_lint.packs import data_dir

    if which not in SCHEMAS:
        raise _fail(f"schema must be one of {', '.join(SCHEMAS)}, got '{which}'")
    if which == "config":
        doc = composed_schema()
    else:
        doc = json.loads((data_dir("schemas") / f"{which}.schema.json").read_text(encoding="utf-8"))
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


@app.command()
def init(
    path: Annotated[str, typer.Argument(help="Where to write the config.")] = ".sentra-lint.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter .sentra-lint.yaml that extends phase1."""
    from pathlib import Path

    from sentra_lint.config import STARTER

    target = Path(path)
    if target.exists() and not force:
        raise _fail(f"{path} already exists (use --force to overwrite)")
    target.write_text(STARTER, encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")
