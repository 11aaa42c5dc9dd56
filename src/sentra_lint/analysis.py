"""Parse one file into the targets the rules check.

Each kind has one function here: it parses the file once and returns every
target (the Dockerfile model, the workflow model, each container launch as a
ContainerSpec), the parse problems (SE001) and how to find the comment lines
that may suppress a finding. Imports are local so a run loads only the
parsers its files need.

:data:`KINDS` says, per kind, how it is analysed, which targets it yields
(so the engine loads only the rules those targets need) and which modules
its analysis imports (loaded once before a parallel run forks its workers).
A new kind of file is one function and one row here, and its name in
:class:`~sentra_lint.source.Kind` and :mod:`sentra_lint.discover`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import Kind, SourceFile, Span
from sentra_lint.suppress import dockerfile_lines, yaml_lines


@dataclass(slots=True)
class Analysis:
    """What analysing one file gives the engine: the rules' targets and the problems found."""

    targets: list[tuple[str, Any]] = field(default_factory=list)
    problems: list[tuple[Span, str]] = field(default_factory=list)
    comment_lines: Callable[[int], list[int]] | None = None
    own_lines: int | None = None
    """When the targets were built from this file and another one laid after
    it (a Compose override merged with its base), the number of lines that
    are this file's: findings on later lines belong to the other file."""
    template: tuple[Span, str] | None = None
    """Set when the file is a template, not a real file of its kind: it is
    reported once (SE002, note) and nothing else is reported from it."""


TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".erb", ".mustache")
"""File name endings of template files (``Dockerfile.j2``, ``compose.yml.tmpl``)."""

# Template markup outside a GitHub expression (``${{ }}``) or a compose
# variable: Jinja/Go/Mustache ``{{ }}``, Jinja ``{% %}``, ERB ``<% %>``.
_MARKUP = lazy_compile(r"(?<![$\\{])\{\{-?\s*[^}\n]*\}\}|\{%-?\s.*?%\}|<%[=-]?\s.*?%>")


def _template_by_name(src: SourceFile) -> tuple[Span, str] | None:
    name = src.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix in TEMPLATE_SUFFIXES:
        if name.endswith(suffix):
            return Span.point(1), f"a template (named *{suffix}), not a file of its own: skipped"
    return None


def _template_message(what: str) -> str:
    return f"this looks like a template ({{{{ }}}}, {{% %}} or <% %>), not {what}: skipped; lint the rendered file"


def analyse(src: SourceFile, kind: Kind, callers: tuple[Any, ...] = ()) -> Analysis:
    """``callers``: for a reusable workflow, what it inherits from the run's
    workflows that call it (:class:`~sentra_lint.workflow.reach.Inherited`)."""
    row = KINDS.get(kind)
    if row is None:
        return Analysis()
    out = _workflow(src, kind, callers) if callers and kind is Kind.WORKFLOW else row.analyse(src, kind)
    if out.template is None and kind not in (Kind.DEVCONTAINER, Kind.MCP):
        out.template = _template_by_name(src)
    if out.template is not None:
        out.targets, out.problems = [], []
    return out


def targets_of(kinds: Iterable[Kind]) -> set[str]:
    """The targets a run over files of these kinds checks (the input and repository rules always)."""
    wanted = {"input", "repository"}
    for kind in kinds:
        row = KINDS.get(kind)
        if row is not None:
            wanted.update(row.targets)
    return wanted


def preload_modules(kinds: Iterable[Kind]) -> set[str]:
    """What analysing files of these kinds imports."""
    return {name for kind in kinds if (row := KINDS.get(kind)) is not None for name in row.preload}


def _yaml_template(src: SourceFile, failed: bool) -> tuple[Span, str] | None:
    """A YAML file that does not parse and holds template markup is a template.

    A file that parses is linted even with ``{{ }}`` in its values (a Go
    template in ``docker ps --format '{{.Names}}'`` is ordinary text)."""
    if not failed:
        return None
    m = _MARKUP.search(src.text)
    if m is None:
        return None
    kind = "a workflow" if src.kind in (Kind.WORKFLOW, Kind.ACTION) else "a Compose file"
    return src.span(m.start(), m.start() + 2), _template_message(kind)


def _problems(items: Any) -> list[tuple[Span, str]]:
    return [(p.span, p.message) for p in items]


def _dockerfile(src: SourceFile, kind: Kind) -> Analysis:
    from sentra_lint.dockerfile import parse_dockerfile

    df = parse_dockerfile(src)
    starts = [i.span.line for i in df.instructions]

    def comment_lines(line: int) -> list[int]:
        idx = bisect.bisect_right(starts, line) - 1
        anchor = starts[idx] if idx >= 0 else line
        own = [line] if src.line_text(line).lstrip().startswith("#") else []
        return own + dockerfile_lines(src, anchor)

    out = Analysis([("dockerfile", df)], _problems(df.problems), comment_lines)
    if df.template is not None:
        out.template = (df.template, _template_message("a Dockerfile"))
    return out


def _yaml_comment_lines(src: SourceFile) -> Callable[[int], list[int]]:
    return lambda line: yaml_lines(src, line)


def _workflow(src: SourceFile, kind: Kind, callers: tuple[Any, ...] = ()) -> Analysis:
    from sentra_lint.agents.detect import assign_roles
    from sentra_lint.agents.mcp import specs_from_workflow_mcp
    from sentra_lint.container.adapters import specs_from_workflow
    from sentra_lint.workflow.model import build_workflow
    from sentra_lint.yamlmodel import load_yaml

    doc = load_yaml(src)
    out = Analysis(problems=_problems(doc.problems), comment_lines=_yaml_comment_lines(src))
    out.template = _yaml_template(src, bool(doc.problems))
    if doc.root is None:
        return out
    wf = build_workflow(src, doc, is_action=kind is Kind.ACTION, callers=callers)
    out.problems.extend(_problems(wf.problems))
    out.targets.append(("workflow", wf))
    specs, problems = specs_from_workflow(wf)
    specs.extend(specs_from_workflow_mcp(wf))
    specs = assign_roles(specs, wf)
    out.problems.extend(_problems(problems))
    out.targets.extend(("container", s) for s in specs)
    return out


def _compose(src: SourceFile, kind: Kind) -> Analysis:
    from sentra_lint.agents.detect import assign_roles
    from sentra_lint.compose import build_compose
    from sentra_lint.container.adapters import specs_from_compose
    from sentra_lint.yamlmodel import load_yaml

    doc = load_yaml(src)
    out = Analysis(problems=_problems(doc.problems), comment_lines=_yaml_comment_lines(src))
    out.template = _yaml_template(src, bool(doc.problems))
    if doc.root is None:
        return out
    cf = build_compose(src, doc)
    out.problems.extend(_problems(cf.problems))
    out.targets.append(("compose", cf))
    if not cf.problems:
        from sentra_lint.compose.project import merge_partner

        merged = merge_partner(src, cf)
        if merged is not None:
            cf, out.own_lines = merged
    specs, problems = specs_from_compose(cf)
    specs = assign_roles(specs)
    out.problems.extend(_problems(problems))
    out.targets.extend(("container", s) for s in specs)
    return out


def _devcontainer(src: SourceFile, kind: Kind) -> Analysis:
    from sentra_lint.agents.detect import assign_roles
    from sentra_lint.container.adapters import specs_from_devcontainer
    from sentra_lint.devcontainer import parse_devcontainer

    dc = parse_devcontainer(src)
    out = Analysis(problems=_problems(dc.problems), comment_lines=lambda line: yaml_lines(src, line))
    out.targets.append(("devcontainer", dc))
    specs, problems = specs_from_devcontainer(dc)
    specs = assign_roles(specs)
    out.problems.extend(_problems(problems))
    out.targets.extend(("container", s) for s in specs)
    return out


def _mcp(src: SourceFile, kind: Kind) -> Analysis:
    from sentra_lint.agents.detect import assign_roles
    from sentra_lint.agents.mcp import specs_from_mcp_file
    from sentra_lint.yamlmodel.jsonc import load_jsonc

    doc = load_jsonc(src)
    out = Analysis(problems=_problems(doc.problems), comment_lines=_yaml_comment_lines(src))
    if doc.root is None:
        return out
    specs = assign_roles(specs_from_mcp_file(src, doc.root))
    out.targets.extend(("container", s) for s in specs)
    return out


@dataclass(frozen=True, slots=True)
class FileKind:
    """How one kind of file is analysed, what it yields, and what its analysis imports."""

    analyse: Callable[[SourceFile, Kind], Analysis]
    targets: tuple[str, ...]
    """The targets :attr:`analyse` yields (``rulebase.TARGETS``)."""
    preload: tuple[str, ...]
    """Modules its analysis imports, loaded before a parallel run forks."""


_YAML_CONTAINERS = ("sentra_lint.analysis", "sentra_lint.yamlmodel", "sentra_lint.container.adapters")
_WORKFLOW = FileKind(
    _workflow,
    ("workflow", "container"),
    (*_YAML_CONTAINERS, "sentra_lint.yamlmodel.scalarmap", "sentra_lint.workflow.model", "sentra_lint.shell.parser"),
)

KINDS: dict[Kind, FileKind] = {
    Kind.DOCKERFILE: FileKind(
        _dockerfile, ("dockerfile",), ("sentra_lint.analysis", "sentra_lint.dockerfile", "sentra_lint.shell.parser")
    ),
    Kind.WORKFLOW: _WORKFLOW,
    Kind.ACTION: _WORKFLOW,
    Kind.COMPOSE: FileKind(_compose, ("compose", "container"), (*_YAML_CONTAINERS, "sentra_lint.compose")),
    Kind.DEVCONTAINER: FileKind(
        _devcontainer,
        ("devcontainer", "container"),
        ("sentra_lint.analysis", "sentra_lint.devcontainer", "sentra_lint.container.adapters"),
    ),
    Kind.MCP: FileKind(
        _mcp, ("container",), ("sentra_lint.analysis", "sentra_lint.agents.mcp", "sentra_lint.container.adapters")
    ),
}
