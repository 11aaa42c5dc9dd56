"""`pull_request_target`, `workflow_run` or a ChatOps comment that runs the untrusted head.

## What it does
Looks at workflows triggered by `pull_request_target` or `workflow_run`,
which run with the base repository's token and secrets even when a fork
caused them, and at `issue_comment` workflows (ChatOps: a `/command` in a
pull request comment). A step that brings the pull request's code into the
job and runs it is an error, at the place that brings it in:

- `actions/checkout` with a `ref:` of `github.event.pull_request.head.sha`
  or `.head.ref`, `github.head_ref`, `refs/pull/<n>/merge` or `/head`
  (also built from `github.event.issue.number`), the `workflow_run` head
  (`github.event.workflow_run.head_sha`, `.head_branch`,
  `.head_commit.id`, `.pull_requests.*.head.*`), a `repository:` of the
  head repository, or a step output that looked the head up (`gh pr view`,
  `pulls.get`);
- `gh pr checkout`, and `git checkout`/`git switch`/`git reset` of one of
  those, or a `git fetch` of one that a later command checks out (also
  through a shell variable that `env:` sets to one);
- under `workflow_run`, a downloaded artifact that a later step executes,
  sources, or writes into `$GITHUB_ENV`.

A checkout into a sub-directory (`path:`) from which no later step runs
anything, and a fetch that nothing checks out, are not execution and are
not reported as such.

`actions/checkout` v7.0.0 (and v6.1.0, v4.4.0) refuses to check out a
fork's code under `pull_request_target` and `workflow_run` unless
`allow-unsafe-pr-checkout: true` is set. On such a version (a floating
`@v4`, `@v6` or `@v7` tag, or a SHA whose version comment is at or past
those) the head checkout fails at run time: a note. With
`allow-unsafe-pr-checkout: true` the refusal is switched off on purpose:
an error.

Gates lower the error to a warning, and the message names them: a job or
step `if:` that admits only members (`author_association`), only the
repository's own branches (`head.repo.fork == false`,
`head.repo.full_name == github.repository`), or a label only maintainers
can set, or an `environment:` that can require approval. A job with
`if: false` is skipped. When nothing runs the head, the trigger itself
(`pull_request_target`, `workflow_run`) is a warning, at the trigger key:
the workflow is one edit away from the dangerous pattern.

In a reusable workflow (`on: workflow_call`), the triggers are its
callers': when a workflow of the run calls it (`jobs.<id>.uses:
./.github/workflows/x.yml` or `$/...`), it inherits the caller's outsider
triggers, narrowed by the gates of every calling job on the way; the
finding stays in the called file, and names the caller, whose `uses:` is a
related location. A caller that is not among the files linted is not
followed. When a caller sets an input to the pull request's head (`with:
ref: ${{ github.event.pull_request.head.sha }}`, `head.ref`,
`refs/pull/${{ github.event.issue.number }}/head`, a job output that
carries it, or an input its own caller sets to it), `${{ inputs.<name> }}`
is the head in the called workflow wherever the head is recognised above
(checkout's `ref:`, a `git fetch`/`git checkout` word, a shell variable
that `env:` sets to it), through the callers that pass it; the caller's
`with:` value is a related location.

## Why is this bad?
Code from the pull request (its build scripts, tests, `package.json`
hooks, even a `Makefile`) then runs with write access to the base
repository and its secrets: a "pwn request". The trigger alone is risky
because every expression and artifact it touches comes from the fork.

## Example
```yaml
on: pull_request_target
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
```

## Use instead
```yaml
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: npm ci && npm test
```
If the job needs secrets or write access, split it: test the head under
`pull_request`, and do the privileged part in a `workflow_run` job that
reads only the results, never the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._reach import caller_related
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import (
    action_path,
    env_file_writes,
    env_strings,
    is_checkout,
    workflow_context,
)
from sentra_lint.workflow.head import (
    head_path,
    input_names,
    lookup_outputs,
    output_head,
    pull_ref,
    value_head,
)
from sentra_lint.workflow.model import Job, Step, Trigger, Workflow
from sentra_lint.workflow.reach import HeadInput, Reach, inherited, reachable_triggers, step_reach
from sentra_lint.yamlmodel import as_bool

META = RuleMeta(
    id="SW004",
    slug="dangerous-trigger",
    title="Privileged trigger that runs code from the pull request",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=9.0,
    area="workflow",
    precision="high",
)

DANGEROUS = ("pull_request_target", "workflow_run")
CHATOPS = ("issue_comment",)

_CHANGES = frozenset({"checkout", "switch", "reset", "merge", "rebase", "cherry-pick", "worktree"})
_RUNNERS = frozenset({"bash", "sh", "zsh", "python", "python3", "node", "source", ".", "ruby"})
_ARTIFACT_ACTIONS = ("actions/download-artifact", "dawidd6/action-download-artifact")
_READS_FILE = lazy_compile(r"(^|[\s($`|])(cat|jq|head|tail)\s+(?!<<)|\$\(<|(^|\s)<(?!<)\s*[^\s<]")


@dataclass(frozen=True, slots=True)
class _Hit:
    """A place where a privileged trigger runs the pull request's code."""

    span: Span
    what: str
    step: Step
    job: Job | None
    checkout: Step | None = None
    """The actions/checkout step, when that is how the head comes in."""
    via: str | None = None
    """The input of a reusable workflow that brings the head, when its callers pass it."""


@dataclass(frozen=True, slots=True)
class _Heads:
    """What names the head in a job: step outputs that looked it up, and the
    inputs (of a reusable workflow) a caller sets to it."""

    lookups: dict[str, str]
    inputs: frozenset[str]

    def named(self, text: str, pull: bool = True) -> tuple[str, str | None] | None:
        """``(what names the head, the input it comes through)`` in ``text``."""
        head = value_head(text, self.lookups) if pull else (
            head_path(text) or output_head(text, self.lookups)
        )
        if head is not None:
            return head, None
        for name in input_names(text):
            if name in self.inputs:
                return f"inputs.{name}", name
        return None


def _checkout_hit(wf: Workflow, job: Job | None, step: Step, heads: _Heads) -> _Hit | None:
    for name in ("ref", "repository"):
        node = step.input_scalar(name)
        if node is None:
            continue
        found = heads.named(node.value, pull=name == "ref")
        if found is not None:
            head, via = found
            return _Hit(node.span(wf.source), f"checks out '{head}'", step, job, step, via)
    return None


def _later_commands(job: Job | None, step: Step, start: int) -> Iterator[tuple[Step, list[str]]]:
    """Command words of the commands after offset ``start`` of ``step`` and of later steps."""
    steps = job.steps if job is not None else ()
    seen = False
    for s in steps:
        if s is step:
            seen = True
        if not seen or s.script is None:
            continue
        for cmd in s.script.commands:
            if s is step and cmd.start <= start:
                continue
            yield s, [w.text for w in cmd.argv]


def _checked_out_later(job: Job | None, step: Step, start: int) -> bool:
    for _s, words in _later_commands(job, step, start):
        if words and words[0].rsplit("/", 1)[-1] == "git":
            sub = next((w for w in words[1:] if not w.startswith("-")), "")
            if sub in _CHANGES:
                return True
        if words[:3] == ["gh", "pr", "checkout"]:
            return True
    return False


_SHELL_VAR = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _env_of(wf: Workflow, job: Job | None, step: Step) -> dict[str, str]:
    """The ``env:`` a step's script sees: the workflow's, the job's, the step's (the nearest wins)."""
    out = env_strings(wf.env)
    if job is not None:
        out.update(env_strings(job.env))
    out.update(env_strings(step.env))
    return out


def _word_head(word: str, heads: _Heads, env: dict[str, str] | None) -> tuple[str, str | None, str]:
    """``(what names the head, the input it comes through, the env variable)`` in a
    command word: an expression in it, or a shell variable that ``env:`` sets to
    one (``git fetch origin "$REF"``); ``("", None, "")`` when nothing does."""
    found = heads.named(word, pull=False)
    if found is not None:
        return found[0], found[1], ""
    for m in _SHELL_VAR.finditer(word) if env is not None else ():
        value = env.get(m.group(1)) if env is not None else None
        inner = heads.named(value) if value is not None else None
        if inner is not None:
            return inner[0], inner[1], m.group(1)
    return "", None, ""


def _run_hits(wf: Workflow, job: Job | None, step: Step, heads: _Heads) -> Iterator[_Hit]:
    run, script = step.run, step.script
    if run is None or script is None:
        return
    env: dict[str, str] | None = None
    text = run.value
    vmap = run.value_map(wf.source)
    for cmd in script.commands:
        words = [w.text for w in cmd.argv]
        raw = [text[w.start : w.end] for w in cmd.argv]
        if cmd.name == "gh" and len(words) >= 3 and words[1] == "pr" and words[2] == "checkout":
            span = vmap.span(wf.source, cmd.argv[0].start, cmd.argv[2].end)
            yield _Hit(span, "runs 'gh pr checkout'", step, job)
            continue
        if cmd.name != "git" or len(words) < 2:
            continue
        sub = next((w for w in words[1:] if not w.startswith("-")), "")
        if sub not in ("fetch", "checkout", "switch", "pull", "reset"):
            continue
        for word, rw in zip(cmd.argv[1:], raw[1:], strict=True):
            if env is None and "$" in rw.replace("${{", ""):
                env = _env_of(wf, job, step)
            head, via, var = _word_head(rw, heads, env)
            pull = sub in ("fetch", "pull") and pull_ref(word.text.split(":", 1)[0])
            if not head and not pull:
                continue
            if sub == "fetch" and not _checked_out_later(job, step, cmd.start):
                break  # fetched, never checked out: nothing of it runs
            span = vmap.span(wf.source, word.start, word.end)
            what = f"runs 'git {sub}' of '{head}'" if head else f"runs 'git {sub} … {word.text}'"
            if var:
                what += f" (through env {var})"
            yield _Hit(span, what, step, job, via=via)
            break


# Commands that run code from a directory they are given (`make -C dir`,
# `npm --prefix dir`, `pip install ./dir`, `docker build dir`); not git,
# which only reads files there.
_BUILDERS = frozenset(
    {
        "make",
        "npm",
        "pnpm",
        "yarn",
        "npx",
        "pip",
        "pip3",
        "python",
        "python3",
        "node",
        "bash",
        "sh",
        "go",
        "cargo",
        "docker",
        "uv",
        "poetry",
        "tox",
        "nox",
        "mvn",
        "gradle",
        "bundle",
        "ruby",
        "composer",
        "dotnet",
    }
)


def _runs_from(job: Job | None, step: Step, path: str) -> bool:
    """Whether a step after ``step`` runs anything from directory ``path``:
    a ``working-directory`` or local action there, a command or script from
    it, a ``cd`` into it, or a build tool pointed at it."""
    p = path.strip().strip("/").removeprefix("./")
    if not p or p == ".":
        return True

    def inside(text: str) -> bool:
        t = text.strip().removeprefix("./")
        return t == p or t.startswith(p + "/")

    seen = False
    for s in job.steps if job is not None else ():
        if s is step:
            seen = True
            continue
        if not seen:
            continue
        wd = s.working_directory.value if s.working_directory is not None else ""
        if inside(wd) or (s.uses is not None and inside(s.uses)):
            return True
        for cmd in s.script.commands if s.script is not None else ():
            if not cmd.argv:
                continue
            if inside(cmd.argv[0].text):
                return True
            if cmd.name == "cd" and any(inside(w.text) for w in cmd.args):
                return True
            if cmd.name in _BUILDERS and any(inside(w.text.split("=", 1)[-1]) for w in cmd.args):
                return True
    return False


# actions/checkout versions that refuse a fork's head under these triggers.
_REFUSING = {4: (4, 4, 0), 6: (6, 1, 0)}
_VERSION = lazy_compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")
# The version in a SHA pin's comment (`# v4.2.2`, `# ratchet:actions/checkout@v5`).
_COMMENT_VERSION = lazy_compile(r"(?<![\w.])v?\d+(?:\.\d+){0,2}(?![\w.])")


def _checkout_version(wf: Workflow, step: Step) -> tuple[int, int, int] | None:
    """The checkout version (a floating major tag ``v4`` is ``(4, 99, 99)``: the
    newest of that major), ``None`` when unknown (a SHA without a version comment)."""
    ref = step.uses_ref
    if ref is None or ref.ref is None:
        return None
    text = ref.ref
    if ref.pinned_to_sha:
        if step.uses_span is None:
            return None
        line = wf.source.text.splitlines()[step.uses_span.line - 1]
        _, _hash, comment = line.partition("#")
        found = _COMMENT_VERSION.search(comment)
        text = found.group(0) if found else ""
    m = _VERSION.fullmatch(text.strip())
    if m is None:
        return None
    major = int(m.group(1))
    if m.group(2) is None:
        return (major, 99, 99)
    return (major, int(m.group(2)), int(m.group(3) or 0))


def _refuses(version: tuple[int, int, int] | None) -> bool:
    if version is None:
        return False
    major = version[0]
    if major >= 7:
        return True
    floor = _REFUSING.get(major)
    return floor is not None and version >= floor


def _artifact_hits(wf: Workflow, job: Job) -> Iterator[_Hit]:
    """Under workflow_run: a downloaded artifact executed, sourced or written to $GITHUB_ENV."""
    download: Step | None = None
    folder = ""
    for step in job.steps:
        if action_path(step) in _ARTIFACT_ACTIONS:
            download = step
            node = step.input_scalar("path")
            folder = node.value.strip().removeprefix("./").strip("/") if node else ""
            continue
        if download is None or step.script is None or step.run is None:
            continue
        vmap = step.run.value_map(wf.source)
        text = step.run.value
        for cmd in step.script.commands:
            if not cmd.argv:
                continue
            name = cmd.name
            target = None
            if name in _RUNNERS and len(cmd.argv) > 1:
                target = cmd.argv[1]
            elif cmd.argv[0].text.startswith("./"):
                target = cmd.argv[0]
            if target is None or not target.literal:
                continue
            file = target.text.removeprefix("./")
            if file.startswith(("/", "-", "$", "~")):
                continue
            if folder and not file.startswith(folder + "/"):
                continue
            if not folder and "/" in file:
                continue
            span = vmap.span(wf.source, cmd.argv[0].start, target.end)
            what = (
                f"runs '{text[cmd.argv[0].start : target.end]}', a file of the artifact "
                f"downloaded by {download.named}"
            )
            yield _Hit(span, what, step, job)
        ctx = workflow_context(wf)
        # Shell variables read from a file: `PR=$(cat pr/NUMBER)`, `PR=$(<pr/NUMBER)`.
        from_file = {
            assign.raw.split("=", 1)[0]
            for cmd in step.script.commands
            if not cmd.argv
            for assign in cmd.assignments
            if _READS_FILE.search(assign.raw.partition("=")[2])
        }
        for write in env_file_writes(wf, job, step, ctx):
            if write.file != "GITHUB_ENV":
                continue
            segment = text[write.start : write.end]
            named = any(re.search(rf"\${{?{re.escape(v)}\b", segment) for v in from_file)
            if named or _READS_FILE.search(segment) or " < " in segment:
                span = vmap.span(wf.source, write.start, write.end)
                what = (
                    "writes the content of a file to $GITHUB_ENV after "
                    f"{download.named} downloaded an artifact"
                )
                yield _Hit(span, what, step, job)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    dangerous = [t for t in wf.triggers if t.name in DANGEROUS]
    chatops = [t for t in wf.triggers if t.name in CHATOPS]
    relevant = dangerous + chatops
    # A reusable workflow runs under its callers' events (found by the run's pre-pass).
    names = list(dict.fromkeys(t.name for t in relevant))
    names += sorted(reachable_triggers(wf, DANGEROUS + CHATOPS) - set(names))
    if not names:
        return
    found = False
    # The inputs a caller sets to the pull request's head (a reusable workflow).
    given = frozenset(h.name for b in inherited(wf, names) for h in b.heads)
    for job in wf.jobs:
        heads = _Heads(lookup_outputs(job), given)
        hits: list[_Hit] = []
        for step in job.steps:
            if is_checkout(step):
                hit = _checkout_hit(wf, job, step, heads)
                if hit is not None:
                    path = step.input_scalar("path")
                    if path is None or _runs_from(job, step, path.value):
                        hits.append(hit)
            hits.extend(_run_hits(wf, job, step, heads))
        if "workflow_run" in names:
            hits.extend(_artifact_hits(wf, job))
        for hit in hits:
            reach = step_reach(wf, job, hit.step, names)
            if hit.via is not None:
                # The head comes in only through the callers that pass it to that input.
                via = hit.via
                passing = tuple(b for b in reach.through if b.head_input(via) is not None)
                reach = Reach((), reach.gates, reach.disabled, passing)
            if reach.disabled or not reach.triggers:
                continue
            found = True
            yield _violation(wf, hit, reach, relevant)
    if found or not dangerous:
        return
    for t in dangerous:
        yield Violation(
            t.span,
            f"{t.name} runs with the base repository's token and secrets even for forks; "
            "never check out or run the pull request's code here, and prefer pull_request "
            "where no secrets are needed",
            severity=Severity.WARNING,
        )


def _passed(hit: _Hit, reach: Reach) -> tuple[str, tuple[Related, ...]]:
    """For a head that comes in through an input: the words saying what the callers
    pass, and their ``with:`` values as related locations."""
    if hit.via is None:
        return "", ()
    found: dict[tuple[str, int, int], tuple[HeadInput, str]] = {}
    for b in reach.open_through or reach.through:
        h = b.head_input(hit.via)
        if h is not None:
            found.setdefault((h.path, h.span.line, h.span.column), (h, b.hops[0].job))
    if not found:
        return "", ()
    shown = "', '".join(dict.fromkeys(h.head for h, _job in found.values()))
    words = f", which its caller sets to the pull request's head ('{shown}')"
    related = tuple(
        Related(h.path, h.span, f"job '{job}' passes '{h.head}' to input '{h.name}'")
        for h, job in found.values()
    )
    return words, related


def _violation(wf: Workflow, hit: _Hit, reach: Reach, relevant: list[Trigger]) -> Violation:
    names = " and ".join(reach.triggers)
    passed, passed_at = _passed(hit, reach)
    if passed:
        hit = _Hit(hit.span, hit.what + passed, hit.step, hit.job, hit.checkout, hit.via)
    related = (
        tuple(
            Related(wf.source.path, t.span, f"triggered by {t.name}")
            for t in relevant
            if t.name in reach.own
        )
        + caller_related(reach.open_through or reach.through)
        + passed_at
    )
    severity: Severity | None = None
    tail = ": code from the pull request runs with them"
    if reach.gated:
        severity = Severity.WARNING
        tail += f"; {reach.describe()}"
    checkout = hit.checkout
    privileged = [t for t in reach.triggers if t in DANGEROUS]
    if checkout is not None and privileged and not any(t in CHATOPS for t in reach.triggers):
        allow = as_bool(checkout.input("allow-unsafe-pr-checkout"))
        version = _checkout_version(wf, checkout)
        if allow is True:
            severity = Severity.ERROR
            tail = (
                ", and allow-unsafe-pr-checkout: true turns off checkout's refusal to fetch "
                "a fork's code: code from the pull request runs with them"
            )
            if reach.gated or reach.through:
                tail += f" ({reach.describe()})"
        elif _refuses(version):
            severity = Severity.NOTE
            shown = ".".join(str(n) for n in version if n != 99) if version else ""
            return Violation(
                hit.span,
                f"{names} runs with the base repository's token and secrets, and this step "
                f"{hit.what}; actions/checkout v{shown} refuses a fork's code here, so the step "
                "fails at run time for forks: remove the head checkout (it is one "
                "allow-unsafe-pr-checkout away from a pwn request)"
                + (f"; {reach.describe()}" if reach.through else ""),
                severity=severity,
                related=related,
            )
    if severity is None and not reach.gated:
        tail += f"; {reach.describe()}" if reach.through else "; no gate keeps outsiders out"
    return Violation(
        hit.span,
        f"{names} runs with the base repository's token and secrets, and this step "
        f"{hit.what}{tail}",
        severity=severity,
        related=related,
    )
