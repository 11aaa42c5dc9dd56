"""``sentra-lint verify``: options, policy, and the exit code.

The typer command only collects options and calls :func:`run_verify`,
which returns the exit code: 0 when no finding is at or above
``--fail-on``, 1 when one is, 2 for a usage or configuration error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Annotated, Any

import typer

FORMATS = ("text", "json", "sarif", "markdown")
FAIL_ON = ("error", "warning", "note", "never")


class VerifyUsageError(Exception):
    """Bad options or configuration: exit code 2."""


def run_verify(values: Mapping[str, Any], env: Mapping[str, str] | None = None) -> int:
    try:
        return _verify(values, os.environ if env is None else env)
    except VerifyUsageError as exc:
        sys.stderr.write(f"sentra-lint: error: {exc}\n")
        return 2


def _policy(values: Mapping[str, Any]) -> tuple[str, Any, Any]:
    from sentra_lint.check import load_configuration, rebase_policy
    from sentra_lint.config import ConfigError
    from sentra_lint.packs import PROFILE_NAMES, PROFILES, PackError, canonical_profile, load_pack

    profile = values.get("profile")
    if profile is not None and profile not in PROFILES and profile not in PROFILE_NAMES:
        allowed = ", ".join((*PROFILES, *PROFILE_NAMES))
        raise VerifyUsageError(f"--profile must be one of {allowed}, got '{profile}'")
    if profile is not None:
        profile = canonical_profile(profile)  # `hardening` is phase1, as `check` reads it
    try:
        cfg = load_configuration(values.get("config"), bool(values.get("no_config")))
        name = canonical_profile(profile or (cfg.profile if cfg else None) or "phase1")
        if cfg is not None and cfg.policy is not None:
            policy = rebase_policy(cfg, profile) if profile is not None else cfg.policy
        else:
            policy = load_pack(name)
    except (ConfigError, PackError) as exc:
        raise VerifyUsageError(str(exc)) from None
    return name, policy, cfg


def _verify(values: Mapping[str, Any], env: Mapping[str, str]) -> int:
    from sentra_lint.rules import load_rule
    from sentra_lint.selection import parse_id_list
    from sentra_lint.settings import UsageError
    from sentra_lint.verify.controls import Options, evaluate
    from sentra_lint.verify.render import RENDERERS
    from sentra_lint.verify.report import build_result

    fmt = values.get("fmt") or "text"
    fail_on = values.get("fail_on") or "error"
    if fmt not in FORMATS:
        raise VerifyUsageError(f"--output-format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if fail_on not in FAIL_ON:
        raise VerifyUsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, got '{fail_on}'")
    root = values.get("root") or "/"
    if not os.path.isdir(root):
        raise VerifyUsageError(f"--root {root}: not a directory")
    try:
        select = parse_id_list(values.get("select"))
        ignore = parse_id_list(values.get("ignore")) or frozenset()
    except UsageError as exc:
        raise VerifyUsageError(str(exc)) from None
    profile, policy, cfg = _policy(values)

    def matches(rid: str, ids: frozenset[str]) -> bool:
        return rid in ids or any(rid.startswith(i) for i in ids)

    enabled = set()
    for rid, setting in policy.rules.items():
        if select is not None:
            if not matches(rid, select):
                continue
        elif not setting.enabled:
            continue
        if not matches(rid, ignore):
            enabled.add(rid)
    if select is not None:
        from sentra_lint.rules import RULE_IDS

        enabled.update(r for r in RULE_IDS if matches(r, select) and not matches(r, ignore))
    proxy = None
    if cfg is not None and isinstance(cfg.raw.get("credential-proxy"), dict):
        sock = cfg.raw["credential-proxy"].get("socket")
        proxy = str(sock) if sock else None
    opts = Options(
        enabled=frozenset(enabled),
        options={rid: dict(s.options) for rid, s in policy.rules.items()},
        proxy_socket=proxy,
    )

    declared = None
    notes: list[str] = []
    workflow, job = values.get("workflow"), values.get("job")
    if bool(workflow) != bool(job):
        raise VerifyUsageError("--workflow and --job go together")
    found = (workflow, job) if workflow and job else None
    workspace = None
    if found is None and env.get("GITHUB_ACTIONS") == "true":
        from sentra_lint.verify.declared import from_actions_env

        found = from_actions_env(env)
        workspace = env.get("GITHUB_WORKSPACE")
    if found is not None:
        from sentra_lint.verify.declared import DeclaredError, load_declared

        try:
            declared = load_declared(str(found[0]), str(found[1]), workspace)
        except DeclaredError as exc:
            if workflow:
                raise VerifyUsageError(str(exc)) from None
            notes.append(f"declared controls not compared: {exc}")

    socket = opts.option("SC022", "socket") or proxy
    workspace_dir = env.get("GITHUB_WORKSPACE") if root == "/" else None
    capture_dir = values.get("capture")
    if capture_dir:
        from sentra_lint.verify.capture import CaptureError, capture

        try:
            obs = capture(str(capture_dir), root, proxy_socket=socket, workspace=workspace_dir)
        except CaptureError as exc:
            raise VerifyUsageError(str(exc)) from None
        notes.append(f"captured the files read into {capture_dir}")
    else:
        from sentra_lint.verify.probe import observe

        obs = observe(root, proxy_socket=socket, workspace=workspace_dir)

    checks = evaluate(obs, opts)
    rule_ids = {c.rule for c in checks} | {"SE001", "SE002"}
    rules = {rid: r for rid in sorted(rule_ids) if (r := load_rule(rid)) is not None}
    severities = {rid: s.severity for rid, s in policy.rules.items() if s.severity}
    result = build_result(obs, checks, rules, severities, profile, declared)
    result.notes.extend(notes)

    render = RENDERERS[fmt]
    report_opts = {"sarif_category": values.get("sarif_category")}
    output = values.get("output")
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                render(result, fh, report_opts)
        except OSError as exc:
            raise VerifyUsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        render(result, sys.stdout, report_opts)
        sys.stdout.flush()
    if fail_on == "never":
        return 0
    threshold = {"error": 3, "warning": 2, "note": 1}[fail_on]
    return 1 if any(f.severity.rank >= threshold and not f.suppressed for f in result.findings) else 0


def verify(
    root: Annotated[str, typer.Option("--root", help="Read the kernel's files under DIR instead of /.")] = "/",
    profile: Annotated[str | None, typer.Option("--profile", help="hardening (phase1), credential-proxy (phase2), gvisor (phase3) or all.")] = None,
    config: Annotated[str | None, typer.Option("--config", help="Use this config file.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore every config file.")] = False,
    fmt: Annotated[
        str, typer.Option("--output-format", "--format", "-f", help="text, json, sarif or markdown (the report table).")
    ] = "text",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[str, typer.Option("--fail-on", help="error, warning, note or never.")] = "error",
    select: Annotated[str | None, typer.Option("--select", help="Only these rule ids.")] = None,
    ignore: Annotated[str | None, typer.Option("--ignore", help="Skip these rule ids.")] = None,
    capture: Annotated[
        str | None, typer.Option("--capture", help="Also write the files read into DIR (values of the environment removed).")
    ] = None,
    workflow: Annotated[
        str | None, typer.Option("--workflow", help="Compare with this workflow's job container (with --job).")
    ] = None,
    job: Annotated[str | None, typer.Option("--job", help="The job id whose container: is compared.")] = None,
    sarif_category: Annotated[str | None, typer.Option("--sarif-category", help="SARIF automationDetails id.")] = None,
) -> None:
    """Inside a running container: check the ADR controls against the kernel's own view."""
    code = run_verify(
        {
            "root": root, "profile": profile, "config": config, "no_config": no_config, "fmt": fmt,
            "output": output, "fail_on": fail_on, "select": select, "ignore": ignore, "capture": capture,
            "workflow": workflow, "job": job, "sarif_category": sarif_category,
        }
    )
    if code:
        raise typer.Exit(code)
