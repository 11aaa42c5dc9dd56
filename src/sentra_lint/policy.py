"""Organisation rules as data.

A policy file (validated by ``schemas/policy.schema.json``) lists rules, each
with a target, a ``where`` selector and ``require``/``forbid`` conditions over
the target's normalised fields. They compile into ordinary rules: the engine
runs them, stamps and suppresses their findings, and every reporter (SARIF
rule metadata included) shows them like the built-ins.

Unknown values (from expressions or variables) are never judged: a
condition on an unknown field neither selects nor fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import Rule, RuleContext, RuleMeta
from sentra_lint.source import Span

TARGET_ENGINE = {
    "container": "container",
    "dockerfile.stage": "dockerfile",
    "dockerfile.instruction": "dockerfile",
    "workflow.job": "workflow",
    "workflow.step": "workflow",
}
_MISSING = object()
_UNKNOWN = object()


class PolicyError(Exception):
    """A policy file problem: the message names the file, line and key."""


@dataclass(frozen=True, slots=True)
class Value:
    """A field's value, where it is written, and whether it is known."""

    value: Any
    span: Span | None
    known: bool = True

    @property
    def missing(self) -> bool:
        return self.value is None or self.value == []


# --- fields of each target ---------------------------------------------------


def _f(field: Any) -> Value:
    """A ContainerSpec Field as a Value."""
    from sentra_lint.container.sizes import UNLIMITED

    value = field.value
    if value is UNLIMITED:
        value = float("inf")
    return Value(value, field.span, field.known)


def container_fields(spec: Any) -> dict[str, Value]:
    img = spec.image
    ref = img.value
    known = img.known and ref is not None and not ref.unknown
    ns = spec.namespaces
    out: dict[str, Value] = {
        "source": Value(spec.source_kind, spec.anchor_span),
        "label": Value(spec.label, spec.anchor_span),
        "image": Value(img.raw if img.raw else (ref.raw if ref else None), img.span, img.known),
        "image.registry": Value(ref.effective_registry if ref else None, img.span, known),
        "image.repository": Value(ref.normalized_repository if ref else None, img.span, known),
        "image.name": Value(ref.name if ref else None, img.span, known),
        "image.tag": Value(ref.tag if ref else None, img.span, known),
        "image.digest": Value(ref.digest if ref else None, img.span, known),
        "user": _f(spec.user),
        "privileged": _f(spec.privileged),
        "no-new-privileges": _f(spec.no_new_privileges),
        "read-only": _f(spec.read_only),
        "memory": _f(spec.memory),
        "memory-swap": _f(spec.memory_swap),
        "cpus": _f(spec.cpus),
        "pids-limit": _f(spec.pids_limit),
        "oom-kill-disable": _f(spec.oom_kill_disable),
        "runtime": _f(spec.runtime),
        "network": _f(ns.network),
        "pid": _f(ns.pid),
        "ipc": _f(ns.ipc),
        "uts": _f(ns.uts),
        "userns": _f(ns.userns),
        "cgroupns": _f(ns.cgroupns),
        "cap-drop": _list([(c.value, c.span, c.known) for c in spec.cap_drop]),
        "cap-add": _list([(c.value, c.span, c.known) for c in spec.cap_add]),
        "tmpfs": _list([(t.path, t.span, t.known) for t in spec.tmpfs]),
        "volumes": _list([(v.source, v.span, v.known) for v in spec.volumes]),
        "devices": _list([(d.host, d.span, d.known) for d in spec.devices]),
        "env": _list([(e.name, e.span, e.name is not None) for e in spec.env]),
        "secret-env": _list([(e.name, e.span, e.name is not None) for e in spec.env if e.from_secret]),
        "security-opt": _list([(s.raw, s.span, s.known) for s in spec.security_opts]),
    }
    if spec.unknown_options:
        # Anything not written may be set by the expression: missing is unknown.
        out = {k: (v if not v.missing else Value(None, v.span, False)) for k, v in out.items()}
    return out


def _list(items: list[tuple[Any, Span | None, bool]]) -> Value:
    known = all(k for _, _, k in items)
    span = items[0][1] if items else None
    return Value([v for v, _, _ in items if v is not None], span, known)


def stage_fields(df: Any, stage: Any) -> dict[str, Value]:
    from_span = stage.from_instruction.span
    base = stage.base
    base_span = getattr(stage, "base_span", None) or from_span
    known = base is not None and not base.unknown
    users = [i for i in stage.instructions if i.keyword == "USER"]
    user_value = None
    user_span = None
    if users:
        last = users[-1]
        text = df.source.text[last.args_start:last.args_end].strip()
        user_value, user_span = text, last.span
    final = stage is df.stages[-1]
    return {
        "name": Value(stage.name, from_span),
        "index": Value(stage.index, from_span),
        "final": Value(final, from_span),
        "base": Value(base.raw if base else None, base_span, known),
        "base.registry": Value(base.effective_registry if base else None, base_span, known),
        "base.repository": Value(base.normalized_repository if base else None, base_span, known),
        "base.tag": Value(base.tag if base else None, base_span, known),
        "base.digest": Value(base.digest if base else None, base_span, known),
        "user": Value(user_value, user_span or from_span, "$" not in (user_value or "")),
        "instructions": Value([i.keyword for i in stage.instructions], from_span),
    }


def instruction_fields(df: Any, instr: Any) -> dict[str, Value]:
    stage = df.stages[instr.stage] if 0 <= instr.stage < len(df.stages) else None
    text = df.source.text[instr.args_start:instr.args_end]
    return {
        "keyword": Value(instr.keyword, instr.keyword_span),
        "arguments": Value(" ".join(text.split()), instr.span),
        "flags": Value([f.name.lstrip("-") for f in instr.flags], instr.span),
        "stage": Value(stage.name if stage else None, instr.span),
        "final-stage": Value(stage is df.stages[-1] if stage else False, instr.span),
    }


def job_fields(wf: Any, job: Any) -> dict[str, Value]:
    from sentra_lint.yamlmodel import ScalarNode, as_str

    src = wf.source

    def node_value(node: Any) -> Value:
        if node is None:
            return Value(None, job.id_span)
        text = as_str(node) if isinstance(node, ScalarNode) else None
        if text is not None and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            return Value(float(text), node.span(src))
        return Value(text, node.span(src), text is None or "${{" not in text)

    cont = job.container
    return {
        "id": Value(job.id, job.id_span),
        "name": Value(job.name, job.id_span),
        "runs-on": Value([n.value for n in job.runs_on_labels()], job.runs_on.span(src) if job.runs_on else job.id_span),
        "container": Value(True if cont is not None else None, cont.span if cont else job.id_span),
        "container.image": Value(cont.image_text if cont else None, cont.image.span(src) if cont and cont.image else job.id_span,
                                 not (cont and cont.image_text and "${{" in cont.image_text)),
        "timeout-minutes": node_value(job.timeout_minutes),
        "uses": Value(job.uses, job.uses_span or job.id_span),
        "environment": node_value(job.environment),
        "steps.uses": Value([s.uses for s in job.steps if s.uses], job.id_span),
    }


def step_fields(wf: Any, job: Any, step: Any) -> dict[str, Value]:
    src = wf.source
    return {
        "uses": Value(step.uses, step.uses_span or step.span),
        "run": Value(step.run.value if step.run is not None else None,
                     step.run.span(src) if step.run is not None else step.span),
        "name": Value(step.name, step.span),
        "id": Value(step.id, step.span),
        "shell": Value(step.shell.value if step.shell is not None else None, step.span),
        "job": Value(job.id if job is not None else None, step.span),
    }


FIELDS: dict[str, tuple[str, ...]] = {
    "container": ("source", "label", "image", "image.registry", "image.repository", "image.name", "image.tag",
                  "image.digest", "user", "privileged", "no-new-privileges", "read-only", "memory",
                  "memory-swap", "cpus", "pids-limit", "oom-kill-disable", "runtime", "network", "pid", "ipc",
                  "uts", "userns", "cgroupns", "cap-drop", "cap-add", "tmpfs", "volumes", "devices", "env",
                  "secret-env", "security-opt"),
    "dockerfile.stage": ("name", "index", "final", "base", "base.registry", "base.repository", "base.tag",
                         "base.digest", "user", "instructions"),
    "dockerfile.instruction": ("keyword", "arguments", "flags", "stage", "final-stage"),
    "workflow.job": ("id", "name", "runs-on", "container", "container.image", "timeout-minutes", "uses",
                     "environment", "steps.uses"),
    "workflow.step": ("uses", "run", "name", "id", "shell", "job"),
}
SIZE_FIELDS = {"memory", "memory-swap"}


# --- conditions ----------------------------------------------------------------


def _number(field: str, raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("expected a number")
    if isinstance(raw, int | float):
        return float(raw)
    if field in SIZE_FIELDS:
        from sentra_lint.container.sizes import parse_bytes

        n = parse_bytes(str(raw))
        if isinstance(n, int):
            return float(n)
        raise ValueError(f'expected a size like "4g", got {json.dumps(raw)}')
    try:
        return float(str(raw))
    except ValueError:
        raise ValueError(f"expected a number, got {json.dumps(raw)}") from None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)


@dataclass(frozen=True, slots=True)
class Condition:
    """One comparison of an organisation rule's ``when:``."""

    field: str
    op: str
    arg: Any
    pattern: re.Pattern[str] | None = None
    number: float | None = None

    def holds(self, v: Value) -> bool:
        value = v.value
        missing = v.missing
        op = self.op
        if op == "present":
            return (not missing) is bool(self.arg)
        if op == "equals":
            return not missing and _same(value, self.arg)
        if op == "not-equals":
            return missing or not _same(value, self.arg)
        if op == "in":
            return not missing and any(_same(value, a) for a in self.arg)
        if op == "not-in":
            return missing or not any(_same(value, a) for a in self.arg)
        if op == "matches":
            assert self.pattern is not None
            if missing:
                return False
            items = value if isinstance(value, list) else [value]
            return any(self.pattern.search(str(x)) for x in items)
        if op == "contains":
            if not isinstance(value, list):
                return False
            want = str(self.arg).casefold()
            return any(str(x).casefold() == want for x in value)
        if op in ("max", "min"):
            if missing or isinstance(value, bool) or not isinstance(value, int | float):
                return False
            assert self.number is not None
            return value <= self.number if op == "max" else value >= self.number
        return False

    def describe(self) -> str:
        words = {
            "equals": "be", "not-equals": "not be", "in": "be one of", "not-in": "not be one of",
            "matches": "match", "contains": "contain", "max": "be at most", "min": "be at least",
        }
        if self.op == "present":
            return "be set" if self.arg else "not be set"
        arg = ", ".join(map(str, self.arg)) if isinstance(self.arg, list) else self.arg
        if self.op == "matches":
            arg = f"/{self.arg}/"
        return f"{words[self.op]} {arg}"


def _compile_conditions(raw: dict[str, Any], target: str, where: str) -> list[Condition]:
    out: list[Condition] = []
    for field, ops in raw.items():
        if field not in FIELDS[target]:
            raise ValueError(f"{where}.{field}: no field '{field}' for target {target} "
                             f"(fields: {', '.join(FIELDS[target])})")
        for op, arg in ops.items():
            pattern = None
            number = None
            if op == "matches":
                try:
                    pattern = re.compile(str(arg))
                except re.error as exc:
                    raise ValueError(f"{where}.{field}.matches: bad regular expression: {exc}") from None
            if op in ("max", "min"):
                try:
                    number = _number(field, arg)
                except ValueError as exc:
                    raise ValueError(f"{where}.{field}.{op}: {exc}") from None
            out.append(Condition(field, op, arg, pattern, number))
    return out


# --- compiling rules ------------------------------------------------------------


def _targets(kind: str, model: Any) -> Iterator[tuple[dict[str, Value], Span, str]]:
    """(fields, anchor span, label) for every object of the target kind in ``model``."""
    if kind == "container":
        yield container_fields(model), model.anchor_span, model.label
    elif kind == "dockerfile.stage":
        for stage in model.stages:
            label = f"stage '{stage.name}'" if stage.name else f"stage {stage.index}"
            yield stage_fields(model, stage), stage.from_instruction.span, label
    elif kind == "dockerfile.instruction":
        for instr in model.instructions:
            yield instruction_fields(model, instr), instr.keyword_span, instr.keyword
    elif kind == "workflow.job":
        for job in model.jobs:
            yield job_fields(model, job), job.id_span, f"job '{job.id}'"
    elif kind == "workflow.step":
        for job, step in model.iter_steps():
            where = f"job '{job.id}', " if job is not None else ""
            yield step_fields(model, job, step), step.span, f"{where}step '{step.label}'"


def compile_rule(raw: dict[str, Any]) -> tuple[Rule, str]:
    kind = raw["target"]
    where = _compile_conditions(raw.get("where") or {}, kind, "where")
    require = _compile_conditions(raw.get("require") or {}, kind, "require")
    forbid = _compile_conditions(raw.get("forbid") or {}, kind, "forbid")
    template = raw.get("message")
    title = raw["title"]

    def message(label: str, cond: Condition, v: Value, verb: str) -> str:
        if template:
            return str(template).replace("{label}", label).replace("{field}", cond.field).replace(
                "{value}", str(v.value))
        return f"{label}: {cond.field} must {verb}{cond.describe()} ({title})"

    def check(model: Any, ctx: RuleContext) -> Iterator[Violation]:
        for fields, anchor, label in _targets(kind, model):
            if not all(fields[c.field].known and c.holds(fields[c.field]) for c in where):
                continue
            for c in require:
                v = fields[c.field]
                if not v.known or c.holds(v):
                    continue
                yield Violation(v.span if not v.missing and v.span else anchor, message(label, c, v, ""))
            for c in forbid:
                v = fields[c.field]
                if v.known and c.holds(v):
                    yield Violation(v.span or anchor, message(label, c, v, "not ").replace("must not not ", "must "))

    doc = str(raw.get("documentation") or title)
    meta = RuleMeta(
        id=raw["id"],
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or raw["id"].lower(),
        title=title,
        severity=Severity(raw["severity"]),
        security_severity=float(raw.get("security-severity", {"error": 7.0, "warning": 5.0, "note": 2.0}[raw["severity"]])),
        area="policy",
        precision="high",
    )
    return Rule(meta=meta, doc=doc, check=check), TARGET_ENGINE[kind]


def load_policy_file(path: Path) -> list[tuple[Rule, str]]:
    """Validate and compile one policy file; raise :class:`PolicyError` naming file, line and key."""
    from sentra_lint.marked import (
        MarkedError,
        line_for,
        load_yaml_with_marks,
        narrowest,
        schema_message,
    )
    from sentra_lint.packs import data_dir
    from sentra_lint.rules import RULE_IDS

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read policy: {exc}") from None
    try:
        data, lines = load_yaml_with_marks(path, text)
    except MarkedError as exc:
        raise PolicyError(str(exc)) from None
    import jsonschema

    schema = json.loads((data_dir("schemas") / "policy.schema.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        err = narrowest(errors[0])
        key = tuple(err.absolute_path)
        dotted = ".".join(map(str, key)) or "(top level)"
        raise PolicyError(f"{path}:{line_for(lines, key)}: {dotted}: {schema_message(err)}")
    out: list[tuple[Rule, str]] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["rules"]):
        rid = raw["id"]
        if rid in RULE_IDS or rid in seen:
            raise PolicyError(f"{path}:{line_for(lines, ('rules', i, 'id'))}: rules.{i}.id: "
                              f"'{rid}' is already a rule id")
        seen.add(rid)
        try:
            out.append(compile_rule(raw))
        except ValueError as exc:
            msg = str(exc)
            key_path = msg.split(":", 1)[0].split(".")
            line = line_for(lines, ("rules", i, *key_path))
            raise PolicyError(f"{path}:{line}: rules.{i}.{msg}") from None
    return out


PolicyLoader = Callable[[Path], list[tuple[Rule, str]]]
