"""Agent detection: which workflow steps and which container launches run an AI agent.

Facts, computed once per file next to the models they describe, that rules
read (SA rules, the targets of the hardening rules, SW006's scope):

* :func:`agent_steps` - every step of a workflow or composite action that
  runs an agent, with the evidence: a known agent action (the ``uses:``
  prefix before ``@``), an agent CLI as a command word of its ``run:``
  script or of a repository script it runs (also behind ``npx``, ``bunx``,
  ``pnpm dlx``, ``yarn dlx``, ``npm exec``, ``pipx run``, ``uvx``,
  ``uv tool run``, ``python -m``), a ``docker run`` of an agent image, or a
  ``curl``/``wget`` to a model API endpoint. Installing an agent is not
  running it; ``--version``/``--help``, ``which``, ``command -v`` and
  ``echo`` are not runs, and neither are configuration subcommands
  (``claude mcp add``, ``codex login``).
* :func:`argv_agent` - the same reading for one command line given as
  words (a container's entrypoint and command, an MCP server's
  ``command``/``args``).
* :func:`launch_evidence` and :func:`assign_roles` - the role of every
  container launch (``agent``, ``service``, ``dev``, ``other``) with the
  evidence, as the catalogue's "Targets" section defines it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sentra_lint import filecache
from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.agents.facts import Evidence, Role

if TYPE_CHECKING:
    from sentra_lint.agents.inventory import AgentAction, AgentCli, Inventory
    from sentra_lint.container.spec import ContainerSpec
    from sentra_lint.shell.commands import CommandText
    from sentra_lint.shell.model import Command, ShellScript
    from sentra_lint.source import SourceFile
    from sentra_lint.workflow.model import Job, Step, Workflow

__all__ = [
    "AgentStep",
    "ArgvMatch",
    "agent_calls",
    "agent_steps",
    "argv_agent",
    "assign_roles",
    "job_agent_steps",
    "known_action",
    "launch_evidence",
    "model_endpoint",
    "step_agent",
]

_SHELL_WRAPPERS = frozenset(["sudo", "env", "nohup", "exec", "time", "nice", "stdbuf", "unbuffer"])
_NPX_VALUE = frozenset(["-p", "--package", "-c", "--call", "--cache", "--registry", "--userconfig"])
_PIPX_VALUE = frozenset(["--spec", "--python", "--pip-args", "--index-url", "-i"])
_UVX_VALUE = frozenset(["--from", "--with", "--python", "-p", "--index", "--index-url", "-w", "--with-requirements"])
_PYTHON = lazy_compile(r"^python(\d+(\.\d+)?)?$")
# Words of an image name that name an agent although no inventory image glob matches
# (`acme/claude-runner`): generic words (`goose`, `llm`, `amp`, `copilot`) name other tools too.
_GENERIC_WORDS = frozenset(["goose", "llm", "amp", "copilot"])

_INVENTORY: list[Inventory] = []


def use_inventory(inventory: Inventory | None) -> None:
    """The inventory detection reads for this run (the config's ``agents:`` applied)."""
    _INVENTORY[:] = [inventory] if inventory is not None else []


def inventory() -> Inventory:
    """The inventory of this run (the built-in one unless :func:`use_inventory` set another)."""
    if _INVENTORY:
        return _INVENTORY[0]
    from sentra_lint.agents.inventory import builtin_inventory

    return builtin_inventory()


# What :func:`_run_evidence` can count, as text: container runtimes (an agent image),
# package runners in the forms :func:`argv_agent` reads (``npx``, ``npm exec``,
# ``uv tool run``; ``python -m`` apart), the inventory's programs (added per
# inventory), and model API hosts (a ``curl``/``wget`` to one; per inventory).
_LAUNCH_FORMS = (
    *((w,) for w in ("docker", "podman", "npx", "bunx", "pnpx", "uvx")),
    ("npm", "exec"),
    *((runner, verb) for runner in ("pnpm", "yarn", "bun") for verb in ("dlx", "x")),
    ("pipx", "run"),
    ("uv", "tool", "run"),
)
_MENTIONS: dict[tuple[frozenset[str], tuple[str, ...]], tuple[CommandText, tuple[str, ...]]] = {}


def _may_run_agent(script: str) -> bool:
    """Whether ``script`` holds something :func:`_run_evidence` could count. Most
    scripts hold none, and are then not parsed for agents at all."""
    from sentra_lint.shell.commands import CommandText, may_run_python_module

    inv = inventory()
    key = (frozenset(inv.command_words()), inv.endpoints)
    found = _MENTIONS.get(key)
    if found is None:
        # The longest fixed part of each host glob (``*.openai.azure.com``), in any case.
        hosts = tuple(sorted({max(re.split(r"[*?\[\]]", h), key=len).lower() for h in key[1]} - {""}))
        found = (CommandText((*_LAUNCH_FORMS, *((p,) for p in sorted(key[0])))), hosts)
        _MENTIONS[key] = found
    commands, hosts = found
    if commands.may_hold(script) or may_run_python_module(script):
        return True
    lowered = script.lower()
    return any(h in lowered for h in hosts)


@dataclass(frozen=True, slots=True)
class ArgvMatch:
    """An agent run found in a command line: ``words[first:last + 1]`` name it."""

    agent: str
    first: int
    last: int
    text: str
    """How messages quote it: ``claude``, ``npx @anthropic-ai/claude-code``."""


@dataclass(frozen=True, slots=True)
class AgentStep:
    """A workflow step that runs an AI agent, with every piece of evidence found."""

    job: Job | None
    step: Step
    evidence: tuple[Evidence, ...]

    @property
    def agents(self) -> tuple[str, ...]:
        """The agents' names, in the order found, once each."""
        return tuple(dict.fromkeys(e.agent for e in self.evidence))

    @property
    def inference_only(self) -> bool:
        """Every run found only calls a model (no tools of its own)."""
        return all(e.inference_only for e in self.evidence)

    @property
    def contained(self) -> bool:
        """The agent runs in a container this step starts (``docker run`` of an agent image)."""
        return all(e.kind in ("image", "entrypoint", "command") for e in self.evidence)

    @property
    def primary(self) -> Evidence:
        return self.evidence[0]

    def describe(self) -> str:
        return self.primary.describe()


# --------------------------------------------------------------------------
# Command lines
# --------------------------------------------------------------------------


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _agent_name(cli: AgentCli) -> str:
    agent = inventory().agent_of_cli(cli)
    return agent.name if agent is not None else cli.name


def _first_operand(cli: AgentCli, texts: Sequence[str], i: int) -> str | None:
    while i < len(texts):
        word = texts[i]
        if not word.startswith("-") or word == "-":
            return word
        i += 2 if "=" not in word and cli.takes_value(word) else 1
    return None


def _cli_runs(cli: AgentCli, texts: Sequence[str], i: int) -> bool:
    """Whether ``texts[i:]`` (the arguments of the program) run the agent."""
    args = texts[i:]
    if args and all(a in cli.idle_flags for a in args):
        return False
    first = _first_operand(cli, texts, i)
    if first is not None and first in cli.idle_subcommands:
        return False
    return not cli.run_subcommands or (first is not None and first in cli.run_subcommands)


def _skip_options(texts: Sequence[str], i: int, with_value: frozenset[str]) -> int:
    while i < len(texts) and texts[i].startswith("-") and texts[i] != "--":
        word = texts[i]
        i += 1
        if word in with_value and i < len(texts):
            i += 1
    if i < len(texts) and texts[i] == "--":
        i += 1
    return i


def argv_agent(texts: Sequence[str]) -> ArgvMatch | None:
    """The agent that a command line runs, or ``None``.

    ``texts`` are the literal words (the first is the command). Wrappers
    (``sudo``, ``env``, ``timeout 600``, ``npx -y``, ``uvx --from aider-chat
    aider``, ``python -m openhands.core.main``) are looked through.
    """
    inv = inventory()
    i = 0
    n = len(texts)
    while i < n:
        name = _base(texts[i])
        if name in _SHELL_WRAPPERS or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", texts[i]):
            i += 1
            while i < n and texts[i].startswith("-"):
                i += 1
            continue
        if name == "timeout":
            i = _skip_options(texts, i + 1, frozenset(["-s", "--signal", "-k", "--kill-after"]))
            i += 1  # the duration
            continue
        break
    if i >= n:
        return None
    start = i
    name = _base(texts[i])
    cli = inv.cli_for_command(texts[i])
    if cli is not None:
        if not _cli_runs(cli, texts, i + 1):
            return None
        return ArgvMatch(_agent_name(cli), start, start, name)
    runner: str | None = None
    j = i + 1
    if name in ("npx", "bunx", "pnpx"):
        runner = "npm"
    elif j < n and (
        (name == "npm" and texts[j] == "exec") or (name in ("pnpm", "yarn", "bun") and texts[j] in ("dlx", "x"))
    ):
        runner, j = "npm", j + 1
    elif name == "pipx" and j < n and texts[j] == "run":
        runner, j = "pypi", j + 1
    elif name == "uvx":
        runner = "uv"
    elif name == "uv" and j + 1 < n and texts[j] == "tool" and texts[j + 1] == "run":
        runner, j = "uv", j + 2
    elif _PYTHON.match(name) and j + 1 < n and texts[j] == "-m":
        by_module = inv.cli_for_module(texts[j + 1])
        if by_module is None or not _cli_runs(by_module, texts, j + 2):
            return None
        return ArgvMatch(_agent_name(by_module), start, j + 1, f"{name} -m {texts[j + 1]}")
    if runner is None:
        return None
    # A package given with -p/--package/--from/--spec names what runs; else the first operand.
    package: str | None = None
    values = {"npm": _NPX_VALUE, "pypi": _PIPX_VALUE, "uv": _UVX_VALUE}[runner]
    k = j
    while k < n and texts[k].startswith("-") and texts[k] != "--":
        flag, eq, inline = texts[k].partition("=")
        if flag in ("-p", "--package", "--from", "--spec") and not (runner == "uv" and flag == "-p"):
            package = inline if eq else (texts[k + 1] if k + 1 < n else None)
        k += 1 if eq or flag not in values else 2
    if k < n and texts[k] == "--":
        k += 1
    if k >= n:
        return None
    command = texts[k]
    ecosystem = "npm" if runner == "npm" else "pypi"
    found: AgentCli | None = None
    if package is not None:
        found = inv.cli_for_package(package, ecosystem)
    if found is None:
        found = inv.cli_for_package(command, ecosystem)
    if found is None and runner != "npm":
        found = inv.cli_for_command(command)
    if found is None:
        return None
    if not _cli_runs(found, texts, k + 1):
        return None
    return ArgvMatch(_agent_name(found), start, k, " ".join(texts[start : k + 1]))


def model_endpoint(url: str) -> str | None:
    """The model API a URL points at (``https://api.openai.com/v1/...`` -> ``codex``), or ``None``.

    The name is the agent whose endpoint it is, or ``model-api`` for an
    endpoint no agent claims.
    """
    import fnmatch

    inv = inventory()
    if not inv.is_model_endpoint(url):
        return None
    from sentra_lint.agents.inventory import _host_of

    host = _host_of(url)
    for agent in inv.agents:
        if any(fnmatch.fnmatchcase(host, p.lower()) for p in agent.endpoints):
            return agent.name
    return "model-api"


# --------------------------------------------------------------------------
# Images and launches
# --------------------------------------------------------------------------

_IMAGE_WORD_SPLIT = lazy_compile(r"[-_.]")


def image_agent(name: str) -> str | None:
    """The agent an image (name without tag or digest) runs, if its name says so.

    The inventory's image globs first; then the last path part of the name
    holding an agent program's name as a whole word (``acme/claude-runner``)
    or the word ``mcp`` (an MCP server).
    """
    inv = inventory()
    agent = inv.agent_for_image(name)
    if agent is not None:
        return agent.name
    last = name.lower().rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    words = _IMAGE_WORD_SPLIT.split(last)
    for cli in inv.all_clis():
        for command in cli.commands:
            if command in _GENERIC_WORDS:
                continue
            if "-" in command:
                if re.search(rf"(^|[-_.]){re.escape(command)}($|[-_.])", last):
                    return _agent_name(cli)
            elif command in words:
                return _agent_name(cli)
    if "mcp" in words:
        return "mcp-server"
    return None


def _field_texts(fields: Iterable[Any]) -> list[str]:
    return [f.value if f.value is not None else (f.raw or "") for f in fields]


def launch_evidence(spec: ContainerSpec) -> list[Evidence]:
    """Why a launch runs an agent: its image, entrypoint, command or a model credential."""
    out: list[Evidence] = []
    image = spec.image
    ref = image.value
    if ref is not None and not ref.unknown and image.span is not None:
        agent = image_agent(ref.name)
        if agent is not None:
            out.append(Evidence("image", agent, ref.name, image.span, spec.path))
    argv: list[Any] = []
    if spec.entrypoint.present and spec.entrypoint.value:
        argv.append(spec.entrypoint)
    argv.extend(spec.command)
    if argv:
        texts = _field_texts(argv)
        if spec.entrypoint.present and spec.entrypoint.value and " " in texts[0]:
            texts = texts[0].split() + texts[1:]
        found = argv_agent(texts)
        if found is not None:
            kind = "entrypoint" if spec.entrypoint.present and found.first == 0 else "command"
            span = argv[min(found.first, len(argv) - 1)].span or spec.anchor_span
            out.append(Evidence(kind, found.agent, found.text, span, spec.path))  # type: ignore[arg-type]
    for env in spec.env:
        if env.name is not None and inventory().is_model_credential(env.name):
            out.append(Evidence("credential", env.name, env.name, env.span or spec.anchor_span, spec.path))
            break
    return out


def _base_role(spec: ContainerSpec) -> Role:
    if spec.source_kind == "workflow-service":
        return "service"
    if spec.source_kind == "devcontainer":
        return "dev"
    if spec.source_kind == "mcp":
        return "agent"
    return "other"


def assign_roles(specs: Sequence[ContainerSpec], wf: Workflow | None = None) -> list[ContainerSpec]:
    """Every launch with its role and evidence set (see the catalogue's "Targets").

    ``agent`` when the launch's image, entrypoint or command names an agent
    or an MCP server, when it receives a model API credential, or when it
    is the job ``container:`` of a job with an agent step (``wf`` given);
    else ``service`` (a job's ``services:``), ``dev`` (a dev container) or
    ``other``. Evidence the adapter already recorded (an MCP config) is kept.
    """
    steps_by_job: dict[str, list[AgentStep]] = {}
    if wf is not None:
        for found in agent_steps(wf):
            if found.job is not None:
                steps_by_job.setdefault(found.job.id, []).append(found)
    out: list[ContainerSpec] = []
    for spec in specs:
        evidence = list(spec.evidence)
        evidence.extend(launch_evidence(spec))
        if spec.source_kind == "workflow-container" and spec.job in steps_by_job:
            for found in steps_by_job[spec.job]:
                e = found.primary
                if e.kind in ("image", "entrypoint", "command"):
                    continue  # that agent runs in a container of its own
                evidence.append(
                    Evidence("agent-step", e.agent, e.describe(), e.span, e.path, e.inference_only, e.via)
                )
        role: Role = "agent" if evidence else _base_role(spec)
        out.append(dataclasses.replace(spec, role=role, evidence=tuple(evidence)))
    return out


# --------------------------------------------------------------------------
# Workflow steps
# --------------------------------------------------------------------------


def _not_a_run(cmd: Command) -> bool:
    """``command -v claude`` asks where it is; it does not run it."""
    return "command" in cmd.wrappers and any(w.text in ("-v", "-V") for w in cmd.raw_argv)


def _run_evidence(
    script: ShellScript, to_span: Any, path: str, via: str | None
) -> Iterator[Evidence]:
    from sentra_lint.container.flags import tokens_from_words
    from sentra_lint.container.from_argv import spec_from_docker_words

    for cmd in script.commands:
        if not cmd.argv or _not_a_run(cmd):
            continue
        words = cmd.argv
        literal = []
        for w in words:
            if not w.literal:
                break
            literal.append(w.text)
        if not literal:
            continue
        name = cmd.name
        if name in ("docker", "podman"):
            spec = spec_from_docker_words(
                tokens_from_words(words), label="", path=path, to_span=to_span
            )
            if spec is not None:
                for e in launch_evidence(spec):
                    if e.kind != "credential":
                        yield dataclasses.replace(e, via=via)
                        break
            continue
        if name in ("curl", "wget", "http", "https", "xh"):
            for w in words[1:]:
                api = model_endpoint(w.text) if w.literal or "://" in w.text else None
                if api is not None:
                    yield Evidence(
                        "model-api", api, w.text, to_span(w.start, w.end), path, True, via
                    )
                    break
            continue
        found = argv_agent(literal)
        if found is not None:
            first, last = words[found.first], words[found.last]
            yield Evidence("cli", found.agent, found.text, to_span(first.start, last.end), path, False, via)
            continue
        inner = _wrapped_script(words)
        if inner is not None:
            # `sudo -E awf --config x -- /bin/bash -c '... copilot --add-dir ...'`: a sandbox
            # or firewall that runs a shell script; the span is the script argument.
            from sentra_lint.shell import parse_shell

            word = words[inner]
            for sub in parse_shell(word.text).commands:
                texts = [w.text for w in sub.argv] if all(w.literal for w in sub.argv[:1]) else []
                hit = argv_agent(texts) if texts else None
                if hit is not None:
                    yield Evidence("cli", hit.agent, hit.text, to_span(word.start, word.end), path, False, via)
                    break


def _wrapped_script(words: Sequence[Any]) -> int | None:
    """The index of the script of ``... -- bash -c SCRIPT`` after a command's ``--``, if any."""
    texts = [w.text for w in words]
    if "--" not in texts:
        return None
    k = texts.index("--") + 1
    if k + 2 < len(words) and _base(texts[k]) in ("bash", "sh", "zsh", "dash") and texts[k + 1] == "-c":
        return k + 2
    return None


_CACHE: dict[Any, Any] = filecache.file_cache()


def _script_evidence(wf: Workflow, run_text: str) -> list[Evidence]:
    """Agents run by repository scripts that a ``run:`` script calls."""
    from sentra_lint.container.adapters import read_step_scripts
    from sentra_lint.shell import parse_shell

    out: list[Evidence] = []
    for script_src in read_step_scripts(wf, run_text):
        script = parse_shell(script_src.text)
        out.extend(
            _run_evidence(
                script,
                lambda i, j, s=script_src: s.span(i, j),
                script_src.path,
                script_src.path,
            )
        )
    return out


def step_agent(wf: Workflow, job: Job | None, step: Step) -> AgentStep | None:
    """The agent a step runs, with the evidence; ``None`` when it runs none."""
    from sentra_lint.yamlmodel import ScalarNode

    src: SourceFile = wf.source
    evidence: list[Evidence] = []
    if step.uses is not None and step.uses_span is not None:
        action = known_action(step.uses)
        if action is not None and not action.installs_only:
            inference = action.inference_only and not _has_mcp_input(step, action.mcp_inputs)
            evidence.append(
                Evidence("action", action.agent, step.uses.split("@", 1)[0], step.uses_span, src.path, inference)
            )
    run = step.run
    if isinstance(run, ScalarNode) and not run.is_null and run.value.strip():
        from sentra_lint.shell import parse_shell

        if _may_run_agent(run.value):
            vmap = run.value_map(src)
            script = parse_shell(run.value)
            evidence.extend(_run_evidence(script, lambda i, j: vmap.span(src, i, j), src.path, None))
        evidence.extend(_script_evidence(wf, run.value))
    if not evidence:
        return None
    return AgentStep(job, step, tuple(evidence))


def known_action(uses: str) -> AgentAction | None:
    """The inventory's action for a ``uses:`` value: exact, or a sub-path of a known one
    (``docker/docker-agent-action/.github/workflows/review-pr.yml``)."""
    inv = inventory()
    name = uses.split("@", 1)[0].strip().strip("'\"")
    parts = name.split("/", 8)[:8]  # known actions have a handful of segments: bound the work
    for k in range(len(parts), 1, -1):
        found = inv.action("/".join(parts[:k]))
        if found is not None:
            return found
    return None


def agent_calls(wf: Workflow) -> tuple[tuple[Job, Evidence], ...]:
    """Jobs that call a reusable workflow which runs an agent (``jobs.<id>.uses``)."""
    out: list[tuple[Job, Evidence]] = []
    for job in wf.jobs:
        if job.uses is None or job.uses_span is None:
            continue
        action = known_action(job.uses)
        if action is None or action.installs_only:
            continue
        out.append(
            (job, Evidence("action", action.agent, job.uses.split("@", 1)[0], job.uses_span, wf.source.path,
                           action.inference_only))
        )
    return tuple(out)


def _has_mcp_input(step: Step, names: Sequence[str]) -> bool:
    """Whether one of the action's MCP inputs is set (and not ``false``)."""
    from sentra_lint.yamlmodel import ScalarNode

    for name in names:
        value = step.input(name)
        if value is None:
            continue
        if not isinstance(value, ScalarNode) or value.value.strip() not in ("", "false"):
            return True
    return False


def agent_steps(wf: Workflow) -> tuple[AgentStep, ...]:
    """Every step of the workflow (or composite action) that runs an agent, in order."""
    key = ("steps", id(wf))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is wf:
        found: tuple[AgentStep, ...] = cached[1]
        return found
    out: list[AgentStep] = []
    for job, step in wf.iter_steps():
        hit = step_agent(wf, job, step)
        if hit is not None:
            out.append(hit)
    result = tuple(out)
    _CACHE[key] = (wf, result)
    return result


def job_agent_steps(wf: Workflow, job: Job) -> tuple[AgentStep, ...]:
    """The agent steps of one job."""
    return tuple(s for s in agent_steps(wf) if s.job is job)
