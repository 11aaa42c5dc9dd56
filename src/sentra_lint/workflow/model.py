"""Typed model of a GitHub Actions workflow or an ``action.yml``.

Built from a :class:`~sentra_lint.yamlmodel.YamlDoc` by :func:`build_workflow`.
Every part keeps its YAML node, so rules can point at the exact key or value
(``node.span(src)``, ``ScalarNode.value_span`` inside ``run:`` blocks).

The builder is tolerant: a value of the wrong type (a list where a mapping
belongs, a number as a step) is skipped and the rest of the file is still
modelled. Structural errors that GitHub itself would reject (``jobs`` that is
not a mapping, a step that is not a mapping) are recorded in ``problems``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field
from typing import TYPE_CHECKING, Any

from sentra_lint._compat import StrEnum
from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import SourceFile, Span
from sentra_lint.yamlmodel import (
    MapNode,
    Node,
    ParseProblem,
    ScalarNode,
    SeqNode,
    YamlDoc,
    as_bool,
    as_str,
)

if TYPE_CHECKING:
    from sentra_lint.shell import ShellScript
    from sentra_lint.workflow.reach import Inherited

_SHA = lazy_compile(r"[0-9a-fA-F]{40}")
_EXPR = "${{"

# Shells that read `run:` as a POSIX-like shell script.
POSIX_SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh"})


def _type_name(node: Node | None) -> str:
    if node is None:
        return "nothing"
    if isinstance(node, MapNode):
        return "a mapping"
    if isinstance(node, SeqNode):
        return "a sequence"
    if node.is_null:
        return "an empty value"
    return f"the scalar {node.value[:40]!r}"


def _map(node: Node | None) -> MapNode | None:
    return node if isinstance(node, MapNode) else None


def _seq(node: Node | None) -> SeqNode | None:
    return node if isinstance(node, SeqNode) else None


def _scalar(node: Node | None) -> ScalarNode | None:
    """A non-null scalar node."""
    return node if isinstance(node, ScalarNode) and not node.is_null else None


# ---------------------------------------------------------------------------
# uses:


@dataclass(frozen=True, slots=True)
class UsesRef:
    """A parsed ``uses:`` value.

    ``kind`` is ``"local"`` (``./path``, or ``$/path``: the repository's own
    reference, resolved like ``./``), ``"docker"`` (``docker://image``),
    ``"repository"`` (``owner/repo[/path]@ref``; reusable workflows too) or
    ``"unknown"`` (an expression, or malformed).
    """

    raw: str
    kind: str
    owner: str | None = None
    repo: str | None = None
    path: str | None = None
    ref: str | None = None
    image: str | None = None

    @property
    def slug(self) -> str | None:
        """``owner/repo`` in lower case, for ``repository`` references."""
        if self.owner is None or self.repo is None:
            return None
        return f"{self.owner}/{self.repo}".lower()

    @property
    def pinned_to_sha(self) -> bool:
        return self.ref is not None and bool(_SHA.fullmatch(self.ref))

    @property
    def is_reusable_workflow(self) -> bool:
        return self.path is not None and self.path.startswith(".github/workflows/")


def parse_uses(text: str) -> UsesRef:
    """Split a ``uses:`` value. Never raises."""
    raw = text
    text = text.strip()
    if not text or _EXPR in text:
        return UsesRef(raw, "unknown")
    if text.startswith(("./", "../", "$/")) or text == ".":
        return UsesRef(raw, "local", path=text)
    if text.startswith("docker://"):
        return UsesRef(raw, "docker", image=text[len("docker://") :])
    name, at, ref = text.partition("@")
    parts = name.split("/")
    if not at or len(parts) < 2 or not parts[0] or not parts[1]:
        return UsesRef(raw, "unknown", ref=ref or None)
    path = "/".join(parts[2:]) or None
    return UsesRef(raw, "repository", parts[0], parts[1], path, ref or None)


# ---------------------------------------------------------------------------
# Parts


@dataclass(frozen=True, slots=True)
class Trigger:
    """One event in ``on:``. ``config`` is the event's mapping (or other value)
    when ``on:`` is a mapping, ``None`` for the string and list forms and for
    ``push:`` with no value."""

    name: str
    span: Span
    """Where the event name is written."""
    node: ScalarNode
    config: Node | None

    @property
    def config_map(self) -> MapNode | None:
        return _map(self.config)


@dataclass(frozen=True, slots=True)
class Permissions:
    """A ``permissions:`` block (workflow or job level)."""

    node: Node
    key: Node
    span: Span
    """The value."""
    key_span: Span

    @property
    def level(self) -> str | None:
        """``read-all``, ``write-all`` (or any other text) for the scalar form;
        ``None`` for the mapping form."""
        if isinstance(self.node, ScalarNode):
            return self.node.value.strip()
        return None

    @property
    def is_write_all(self) -> bool:
        return self.level == "write-all"

    @property
    def is_empty(self) -> bool:
        """``permissions: {}``: everything is ``none``."""
        return isinstance(self.node, MapNode) and not self.node.items

    def scopes(self) -> Iterator[tuple[str, str | None, ScalarNode, Node]]:
        """``(scope, level, key node, value node)`` for the mapping form."""
        if isinstance(self.node, MapNode):
            for name, key, value in self.node.str_items():
                yield name, as_str(value), key, value

    def scope(self, name: str) -> str | None:
        """The level of one scope (``read``, ``write``, ``none``) in the mapping form."""
        return as_str(self.node.get(name)) if isinstance(self.node, MapNode) else None


@dataclass(frozen=True, slots=True)
class ContainerNode:
    """A job's ``container:`` or one of its ``services:``.

    ``short`` is true for the string form (``container: node:20``), where only
    ``image`` is set. ``image`` is ``None`` when missing or not a string.
    """

    node: Node
    key: Node
    span: Span
    """Where the ``container:`` key or the service id is written."""
    short: bool
    image: ScalarNode | None = None
    options: ScalarNode | None = None
    env: MapNode | None = None
    volumes: SeqNode | None = None
    ports: SeqNode | None = None
    credentials: MapNode | None = None

    @property
    def image_text(self) -> str | None:
        return self.image.value if self.image is not None else None


@dataclass(frozen=True, slots=True)
class Service:
    """A job's service container."""

    id: str
    id_span: Span
    node: Node
    container: ContainerNode


class StepKind(StrEnum):
    """What a step does: runs an action (``uses:``), runs a script (``run:``),
    waits for or cancels background steps (``wait:``, ``wait-all:``,
    ``cancel:``), or none of these (a malformed step)."""

    ACTION = "action"
    SCRIPT = "script"
    WAIT = "wait"
    CANCEL = "cancel"
    OTHER = "other"


class JobKind(StrEnum):
    """A job runs its own steps, or calls a reusable workflow (``jobs.<id>.uses``)."""

    STEPS = "steps"
    REUSABLE_CALL = "reusable-call"


def resolve_shell(
    step_shell: Node | None, job_defaults: MapNode | None, wf_defaults: MapNode | None
) -> str:
    """The shell a ``run:`` step uses, lower case: the step's ``shell:``, the
    job's then the workflow's ``defaults.run.shell``, else ``bash``.

    A null or blank value does not count. A shell given by an expression or a
    custom command line (``python {0}``) comes back as its first word, without
    its directory (``/usr/bin/bash -e {0}`` is ``bash``).
    """
    candidates: list[Node | None] = [step_shell]
    for defaults in (job_defaults, wf_defaults):
        run = defaults.get("run") if defaults is not None else None
        candidates.append(run.get("shell") if isinstance(run, MapNode) else None)
    for node in candidates:
        text = as_str(node)
        if text is not None and text.strip():
            words = text.strip().split()
            return words[0].rsplit("/", 1)[-1].lower()
    return "bash"


def null_or_missing(node: Node | None) -> bool:
    """A value that is not written, or written as null (``key:``, ``key: ~``)."""
    return node is None or (isinstance(node, ScalarNode) and node.is_null)


def scalar_entries(node: Node | None) -> Iterator[tuple[str, ScalarNode, ScalarNode | None]]:
    """``(name, key, value)`` of a mapping whose values should be scalars
    (``env:``, ``with:``); ``value`` is ``None`` for nulls and non-scalars."""
    if isinstance(node, MapNode):
        for name, key, value in node.str_items():
            yield name, key, _scalar(value)


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of a job's (or a composite action's) ``steps:``.

    Derived facts are computed once: ``shell_name`` when the model is built
    (it needs the job's and the workflow's defaults), ``script`` (the parsed
    ``run:``) on first use, so files whose rules never read scripts never
    load the shell parser.
    """

    index: int
    node: MapNode
    span: Span
    """The first line of the step (its first key), for messages."""
    name: str | None = None
    id: str | None = None
    uses: str | None = None
    uses_node: ScalarNode | None = None
    uses_span: Span | None = None
    run: ScalarNode | None = None
    shell: ScalarNode | None = None
    with_: MapNode | None = None
    env: MapNode | None = None
    if_: Node | None = None
    working_directory: ScalarNode | None = None
    continue_on_error: Node | None = None
    timeout_minutes: Node | None = None
    shell_name: str = "bash"
    """The shell ``run:`` is read by, lower case (see :func:`resolve_shell`)."""
    background: bool = False
    """``background: true``: the job goes on without waiting for it."""
    group: int | None = None
    """For a step inside a ``parallel:`` block, its position in the block
    (``index`` is then the block's position in ``steps:``)."""
    _facts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    @property
    def uses_ref(self) -> UsesRef | None:
        ref: UsesRef | None = self._facts.get("uses_ref")
        if ref is None and self.uses is not None:
            ref = self._facts["uses_ref"] = parse_uses(self.uses)
        return ref

    @property
    def kind(self) -> StepKind:
        if self.uses is not None:
            return StepKind.ACTION
        if self.run is not None:
            return StepKind.SCRIPT
        if self.node.get("wait") is not None or self.node.get("wait-all") is not None:
            return StepKind.WAIT
        if self.node.get("cancel") is not None:
            return StepKind.CANCEL
        return StepKind.OTHER

    @property
    def in_parallel(self) -> bool:
        """A step of a ``parallel:`` block: it runs beside the block's other steps."""
        return self.group is not None

    @property
    def is_posix(self) -> bool:
        """Whether ``run:`` is read by a POSIX-like shell (bash, sh, ...)."""
        return self.shell_name in POSIX_SHELLS

    @property
    def script(self) -> ShellScript | None:
        """The parsed ``run:`` script (offsets into ``run.value``), or ``None``
        when the step has no script or its shell is not POSIX-like."""
        if self.run is None or not self.is_posix:
            return None
        if "script" not in self._facts:
            from sentra_lint.shell import parse_shell

            self._facts["script"] = parse_shell(self.run.value, 0)
        parsed: ShellScript = self._facts["script"]
        return parsed

    def input(self, name: str) -> Node | None:
        """A ``with:`` input."""
        return self.with_.get(name) if self.with_ is not None else None

    def input_scalar(self, name: str) -> ScalarNode | None:
        """A ``with:`` input written as a non-null scalar."""
        return _scalar(self.input(name))

    def input_entry(self, name: str) -> tuple[Node, Node] | None:
        """``(key, value)`` of a ``with:`` input."""
        return self.with_.entry(name) if self.with_ is not None else None

    @property
    def named(self) -> str:
        """``step 'Build'`` for a step with a name, id or ``uses``, else ``step 3``."""
        if self.name or self.id or self.uses:
            return f"step '{self.label}'"
        return self.label

    @property
    def label(self) -> str:
        """How messages name the step: its name, id, ``uses`` or position."""
        if self.name or self.id or self.uses:
            return self.name or self.id or self.uses or ""
        if self.group is not None:
            return f"step {self.index + 1}.{self.group + 1}"
        return f"step {self.index + 1}"


@dataclass(frozen=True, slots=True)
class Job:
    """A job of a workflow."""

    id: str
    id_span: Span
    key: ScalarNode
    node: MapNode
    name: str | None = None
    runs_on: Node | None = None
    permissions: Permissions | None = None
    env: MapNode | None = None
    container: ContainerNode | None = None
    services: tuple[Service, ...] = ()
    steps: tuple[Step, ...] = ()
    uses: str | None = None
    """A reusable workflow call (``jobs.<id>.uses``)."""
    uses_node: ScalarNode | None = None
    uses_span: Span | None = None
    with_: MapNode | None = None
    secrets: Node | None = None
    timeout_minutes: Node | None = None
    if_: Node | None = None
    strategy: Node | None = None
    needs: tuple[str, ...] = ()
    environment: Node | None = None
    defaults: MapNode | None = None
    outputs: MapNode | None = None
    continue_on_error: Node | None = None
    concurrency: Node | None = None

    @property
    def is_reusable_call(self) -> bool:
        return self.uses is not None

    @property
    def kind(self) -> JobKind:
        return JobKind.REUSABLE_CALL if self.uses is not None else JobKind.STEPS

    @property
    def secrets_inherit(self) -> bool:
        """``secrets: inherit``."""
        text = as_str(self.secrets)
        return text is not None and text.strip() == "inherit"

    @property
    def has_timeout(self) -> bool:
        """``timeout-minutes`` is written with a value (an expression counts)."""
        return not null_or_missing(self.timeout_minutes)

    @property
    def runner_group(self) -> ScalarNode | None:
        """The ``group:`` key of the mapping form of ``runs-on``, when it has a value."""
        if isinstance(self.runs_on, MapNode):
            entry = self.runs_on.entry("group")
            if entry is not None and not null_or_missing(entry[1]):
                key = entry[0]
                return key if isinstance(key, ScalarNode) else None
        return None

    @property
    def uses_ref(self) -> UsesRef | None:
        return parse_uses(self.uses) if self.uses is not None else None

    def runs_on_labels(self) -> list[ScalarNode]:
        """The scalar labels of ``runs-on`` (string, list, or ``labels:`` of the group form)."""
        node = self.runs_on
        if isinstance(node, MapNode):
            node = node.get("labels")
        if isinstance(node, ScalarNode):
            return [node] if not node.is_null else []
        if isinstance(node, SeqNode):
            return [n for n in node.items if isinstance(n, ScalarNode) and not n.is_null]
        return []


@dataclass(frozen=True, slots=True)
class Workflow:
    """A parsed workflow: its triggers, permissions and jobs."""

    source: SourceFile
    root: MapNode | None
    triggers: tuple[Trigger, ...] = ()
    permissions: Permissions | None = None
    env: MapNode | None = None
    jobs: tuple[Job, ...] = ()
    defaults: MapNode | None = None
    is_action: bool = False
    action_runs_using: str | None = None
    """``runs.using`` of an action (``composite``, ``docker``, ``node20``...)."""
    action_runs: MapNode | None = None
    action_steps: tuple[Step, ...] = ()
    """The steps of a composite action."""
    action_inputs: MapNode | None = None
    name: str | None = None
    concurrency: Node | None = None
    on_node: Node | None = None
    """The value of ``on:`` as written."""
    problems: tuple[ParseProblem, ...] = ()
    callers: tuple[Inherited, ...] = ()
    """What a reusable workflow inherits from the workflows of the run that
    call it (their outsider triggers and gates), found by the engine's
    pre-pass before the files are linted; empty for every other file."""

    def trigger(self, name: str) -> Trigger | None:
        for t in self.triggers:
            if t.name == name:
                return t
        return None

    @property
    def trigger_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.triggers)

    def job(self, job_id: str) -> Job | None:
        for j in self.jobs:
            if j.id == job_id:
                return j
        return None

    def iter_steps(self) -> Iterator[tuple[Job | None, Step]]:
        """Every step: ``(job, step)`` for jobs, ``(None, step)`` for a composite action."""
        for job in self.jobs:
            for step in job.steps:
                yield job, step
        for step in self.action_steps:
            yield None, step

    def span(self, node: Node) -> Span:
        return node.span(self.source)


# ---------------------------------------------------------------------------
# Building


class _Builder:
    def __init__(self, src: SourceFile, defaults: MapNode | None = None) -> None:
        self.src = src
        self.problems: list[ParseProblem] = []
        self.defaults = defaults
        """The workflow's ``defaults:``."""

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(ParseProblem(node.span(self.src), message))

    def span(self, node: Node) -> Span:
        return node.span(self.src)

    # -- pieces ------------------------------------------------------------

    def triggers(self, on: Node | None) -> tuple[Trigger, ...]:
        out: list[Trigger] = []
        if isinstance(on, ScalarNode):
            if not on.is_null:
                out.append(Trigger(on.value.strip(), self.span(on), on, None))
        elif isinstance(on, SeqNode):
            for item in on.items:
                if isinstance(item, ScalarNode) and not item.is_null:
                    out.append(Trigger(item.value.strip(), self.span(item), item, None))
        elif isinstance(on, MapNode):
            for name, key, value in on.str_items():
                config = None if isinstance(value, ScalarNode) and value.is_null else value
                out.append(Trigger(name.strip(), self.span(key), key, config))
        return tuple(out)

    def permissions(self, owner: MapNode) -> Permissions | None:
        entry = owner.entry("permissions")
        if entry is None:
            return None
        key, value = entry
        return Permissions(value, key, self.span(value), self.span(key))

    def container(self, key: Node, node: Node) -> ContainerNode | None:
        span = self.span(key)
        if isinstance(node, ScalarNode):
            if node.is_null:
                return None
            return ContainerNode(node, key, span, True, image=node)
        if not isinstance(node, MapNode):
            return None
        return ContainerNode(
            node,
            key,
            span,
            False,
            image=_scalar(node.get("image")),
            options=_scalar(node.get("options")),
            env=_map(node.get("env")),
            volumes=_seq(node.get("volumes")),
            ports=_seq(node.get("ports")),
            credentials=_map(node.get("credentials")),
        )

    def steps(
        self, node: Node | None, where: str, job_defaults: MapNode | None = None
    ) -> tuple[Step, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            return ()
        if not isinstance(node, SeqNode):
            if not (isinstance(node, ScalarNode) and _EXPR in node.value):
                self.problem(node, f"{where}.steps must be a sequence, found {_type_name(node)}")
            return ()
        out: list[Step] = []
        for index, item in enumerate(node.items):
            if not isinstance(item, MapNode):
                if not (isinstance(item, ScalarNode) and item.is_null):
                    self.problem(
                        item, f"{where}.steps[{index}] must be a mapping, found {_type_name(item)}"
                    )
                continue
            block = item.get("parallel")
            if item.get("run") is not None or item.get("uses") is not None:
                block = None
            if isinstance(block, SeqNode):
                # A `parallel:` block: its steps are steps, run side by side.
                for k, sub in enumerate(block.items):
                    if isinstance(sub, MapNode):
                        out.append(self.step(index, sub, job_defaults, k))
                    elif not (isinstance(sub, ScalarNode) and sub.is_null):
                        self.problem(
                            sub,
                            f"{where}.steps[{index}].parallel[{k}] must be a mapping, "
                            f"found {_type_name(sub)}",
                        )
                continue
            out.append(self.step(index, item, job_defaults))
        return tuple(out)

    def step(
        self, index: int, node: MapNode, job_defaults: MapNode | None, group: int | None = None
    ) -> Step:
        first = node.items[0][0] if node.items else node
        uses = _scalar(node.get("uses"))
        shell = _scalar(node.get("shell"))
        return Step(
            index=index,
            node=node,
            span=self.span(first),
            name=as_str(node.get("name")),
            id=as_str(node.get("id")),
            uses=uses.value if uses is not None else None,
            uses_node=uses,
            uses_span=self.span(uses) if uses is not None else None,
            run=_scalar(node.get("run")),
            shell=shell,
            with_=_map(node.get("with")),
            env=_map(node.get("env")),
            if_=node.get("if"),
            working_directory=_scalar(node.get("working-directory")),
            continue_on_error=node.get("continue-on-error"),
            timeout_minutes=node.get("timeout-minutes"),
            shell_name=resolve_shell(shell, job_defaults, self.defaults),
            background=as_bool(node.get("background")) is True,
            group=group,
        )

    def job(self, job_id: str, key: ScalarNode, node: MapNode) -> Job:
        where = f"jobs.{job_id}"
        container: ContainerNode | None = None
        centry = node.entry("container")
        if centry is not None:
            container = self.container(centry[0], centry[1])
        services: list[Service] = []
        svc = _map(node.get("services"))
        if svc is not None:
            for sid, skey, sval in svc.str_items():
                c = self.container(skey, sval)
                if c is not None:
                    services.append(Service(sid, self.span(skey), sval, c))
        uses = _scalar(node.get("uses"))
        defaults = _map(node.get("defaults"))
        needs_node = node.get("needs")
        needs: tuple[str, ...] = ()
        if isinstance(needs_node, ScalarNode) and not needs_node.is_null:
            needs = (needs_node.value,)
        elif isinstance(needs_node, SeqNode):
            needs = tuple(n.value for n in needs_node.items if isinstance(n, ScalarNode))
        return Job(
            id=job_id,
            id_span=self.span(key),
            key=key,
            node=node,
            name=as_str(node.get("name")),
            runs_on=node.get("runs-on"),
            permissions=self.permissions(node),
            env=_map(node.get("env")),
            container=container,
            services=tuple(services),
            steps=self.steps(node.get("steps"), where, defaults),
            uses=uses.value if uses is not None else None,
            uses_node=uses,
            uses_span=self.span(uses) if uses is not None else None,
            with_=_map(node.get("with")),
            secrets=node.get("secrets"),
            timeout_minutes=node.get("timeout-minutes"),
            if_=node.get("if"),
            strategy=node.get("strategy"),
            needs=needs,
            environment=node.get("environment"),
            defaults=defaults,
            outputs=_map(node.get("outputs")),
            continue_on_error=node.get("continue-on-error"),
            concurrency=node.get("concurrency"),
        )

    def jobs(self, node: Node | None) -> tuple[Job, ...]:
        if node is None:
            return ()
        if not isinstance(node, MapNode):
            if not (isinstance(node, ScalarNode) and node.is_null):
                self.problem(
                    node, f"jobs must be a mapping of job ids to jobs, found {_type_name(node)}"
                )
            return ()
        out: list[Job] = []
        for job_id, key, value in node.str_items():
            if not isinstance(value, MapNode):
                self.problem(value, f"jobs.{job_id} must be a mapping, found {_type_name(value)}")
                continue
            out.append(self.job(job_id, key, value))
        return tuple(out)


def build_workflow(
    src: SourceFile,
    doc: YamlDoc,
    *,
    is_action: bool = False,
    callers: tuple[Inherited, ...] = (),
) -> Workflow:
    """The workflow (or, with ``is_action``, the action) in ``doc``. Never raises.

    ``callers``: what the workflow inherits from the run's workflows that call it."""
    root = doc.root
    b = _Builder(src, _map(root.get("defaults")) if isinstance(root, MapNode) else None)
    if not isinstance(root, MapNode):
        if root is not None and not (isinstance(root, ScalarNode) and root.is_null):
            what = "an action" if is_action else "a workflow"
            b.problem(root, f"{what} must be a mapping at the top level, found {_type_name(root)}")
        return Workflow(src, None, is_action=is_action, problems=tuple(b.problems))
    on = root.get("on")
    runs = _map(root.get("runs")) if is_action else None
    using = as_str(runs.get("using")) if runs is not None else None
    action_steps: tuple[Step, ...] = ()
    if runs is not None:
        action_steps = b.steps(runs.get("steps"), "runs")
    return Workflow(
        source=src,
        root=root,
        triggers=b.triggers(on),
        permissions=b.permissions(root),
        env=_map(root.get("env")),
        jobs=b.jobs(root.get("jobs")),
        defaults=b.defaults,
        is_action=is_action,
        action_runs_using=using.strip() if using is not None else None,
        action_runs=runs,
        action_steps=action_steps,
        action_inputs=_map(root.get("inputs")) if is_action else None,
        name=as_str(root.get("name")),
        concurrency=root.get("concurrency"),
        on_node=on,
        problems=tuple(b.problems),
        callers=callers,
    )
