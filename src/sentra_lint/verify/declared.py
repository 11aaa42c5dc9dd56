"""What the running job's workflow declares for its ``container:``.

Inside GitHub Actions the runner names the workflow file
(``GITHUB_WORKFLOW_REF``: ``owner/repo/.github/workflows/ci.yml@ref``), the
job (``GITHUB_JOB``) and the checkout (``GITHUB_WORKSPACE``). The job's
``container:`` is read with the same adapter ``check`` uses, and each
control a check judges is matched with the token that declares it, so a
control the workflow asks for but the kernel does not show can be reported
where a reviewer looks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.source import Span


@dataclass(slots=True)
class Declared:
    """The job container's declaring tokens, by control key."""

    path: str
    """The workflow, as shown (relative to the current directory or the workspace)."""
    job: str
    anchor: Span
    """The job's ``container:`` key: where an undeclared control is reported."""
    spans: dict[str, tuple[Span, str]] = field(default_factory=dict)
    """Control key -> (span of the declaring token, what it declares)."""
    source_lines: dict[int, str] = field(default_factory=dict)


class DeclaredError(Exception):
    """The workflow or the job cannot be read: verify still runs, without declared controls."""


def from_actions_env(env: Mapping[str, str]) -> tuple[str, str] | None:
    """The workflow file and job id of the running GitHub Actions job, when there is one."""
    ref = env.get("GITHUB_WORKFLOW_REF", "")
    job = env.get("GITHUB_JOB", "")
    workspace = env.get("GITHUB_WORKSPACE", "")
    if not (ref and job and workspace):
        return None
    path = ref.split("@", 1)[0]
    parts = path.split("/", 2)
    if len(parts) < 3 or not parts[2]:
        return None
    return os.path.join(workspace, parts[2]), job


def load_declared(workflow: str, job_id: str, workspace: str | None = None) -> Declared:
    from sentra_lint import io as sio
    from sentra_lint.container.adapters import specs_from_workflow
    from sentra_lint.source import Kind
    from sentra_lint.workflow.model import build_workflow
    from sentra_lint.yamlmodel import load_yaml

    path = Path(workflow)
    shown = sio.display_path(path)
    if workspace and shown.startswith(("/", "..")):
        with contextlib.suppress(ValueError):
            shown = os.path.relpath(os.path.abspath(workflow), workspace).replace(os.sep, "/")
    try:
        src = sio.read_source(path, shown, Kind.WORKFLOW)
    except sio.Skip as exc:
        raise DeclaredError(f"{workflow}: {exc}") from None
    doc = load_yaml(src)
    if doc.root is None:
        raise DeclaredError(f"{shown}: not a workflow that can be parsed")
    wf = build_workflow(src, doc)
    specs, _ = specs_from_workflow(wf)
    label = f"job '{job_id}' container"
    spec = next((s for s in specs if s.source_kind == "workflow-container" and s.label == label), None)
    if spec is None:
        if not any(j.id == job_id for j in wf.jobs):
            raise DeclaredError(f"{shown}: no job '{job_id}'")
        raise DeclaredError(f"{shown}: job '{job_id}' has no container:")
    out = Declared(path=shown, job=job_id, anchor=spec.anchor_span)
    _collect(spec, out.spans)
    for span, _ in out.spans.values():
        out.source_lines[span.line] = src.line_text(span.line)
    out.source_lines[spec.anchor_span.line] = src.line_text(spec.anchor_span.line)
    return out


def _collect(spec: Any, spans: dict[str, tuple[Span, str]]) -> None:
    def put(key: str, fld: Any, what: str) -> None:
        if fld is not None and getattr(fld, "span", None) is not None and key not in spans:
            spans[key] = (fld.span, what)

    if spec.user.certain and str(spec.user.value).split(":")[0] not in ("0", "root"):
        put("user", spec.user, f"--user {spec.user.value}")
    for cap in spec.cap_drop:
        if cap.certain and str(cap.value).upper() in ("ALL", "CAP_ALL"):
            put("cap_drop", cap, "--cap-drop=ALL")
    if spec.no_new_privileges.certain and spec.no_new_privileges.value:
        put("no_new_privileges", spec.no_new_privileges, "no-new-privileges")
    if spec.read_only.certain and spec.read_only.value:
        put("read_only", spec.read_only, "--read-only")
    for t in spec.tmpfs:
        if t.path == "/tmp" and t.span is not None:
            spans.setdefault("tmp", (t.span, "a tmpfs at /tmp"))
        if t.size is not None and t.span is not None:
            spans.setdefault("tmpfs_size", (t.span, f"a tmpfs size ({t.size_raw})"))
    if spec.memory.certain:
        put("memory", spec.memory, f"--memory={spec.memory.raw or spec.memory.value}")
    if spec.memory_swap.certain:
        put("memory_swap", spec.memory_swap, f"--memory-swap={spec.memory_swap.raw or spec.memory_swap.value}")
    if spec.cpus.certain:
        put("cpus", spec.cpus, f"--cpus={spec.cpus.raw or spec.cpus.value}")
    elif spec.cpu_quota.certain:
        put("cpus", spec.cpu_quota, f"--cpu-quota={spec.cpu_quota.value}")
    if spec.pids_limit.certain:
        put("pids_limit", spec.pids_limit, f"--pids-limit={spec.pids_limit.raw or spec.pids_limit.value}")
    if spec.runtime.certain:
        put("runtime", spec.runtime, f"--runtime={spec.runtime.value}")
    for opt in spec.security_opts:
        if opt.key == "seccomp" and opt.value and opt.value.lower() != "unconfined" and opt.span is not None:
            spans.setdefault("seccomp", (opt.span, f"--security-opt {opt.raw}"))
