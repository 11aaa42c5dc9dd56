"""A publishing workflow restores a cache that untrusted runs can write.

## What it does
Reports, in a job that publishes (or that uploads artifacts a publishing
job needs), the step that restores a cache: the
`actions/cache` (or `actions/cache/restore`) step, or the `cache:` input of
a `setup-*` action (`actions/setup-node`, `actions/setup-python`,
`actions/setup-java`, `actions/setup-go`, …; `astral-sh/setup-uv`'s
`enable-cache`, `Swatinem/rust-cache`), or an action that caches unless told
not to (`actions/setup-go` from v4, `actions/setup-node` from v5,
`astral-sh/setup-uv` from v6, `docker/setup-buildx-action`'s binary cache,
`gradle/actions/setup-gradle`, `jdx/mise-action`). A job publishes when it
uploads a package or image or makes a release (`npm publish`, `twine upload`, `cargo publish` (not
`--dry-run`), `docker push`, `gh release`, `pypa/gh-action-pypi-publish`,
`docker/build-push-action` or `docker/bake-action` with `push: true` (or an
expression), `docker buildx … --push`, `softprops/action-gh-release`,
`goreleaser`); the message adds when the workflow runs on `release` or tag
pushes.

## Why is this bad?
GitHub's cache is shared by every run of the repository's default branch
and the branches based on it, and a cache entry cannot be overwritten, only
created first. Code that ran in any workflow with the default branch's
scope (a `pull_request_target` job that built the fork's code, an injected
step) can write an entry under the key the release job restores: the
poisoned dependencies, build outputs or tools then go into the published
artifact, signed and trusted.

## Example
```yaml
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020
        with:
          node-version: 22
          cache: npm
      - run: npm ci && npm publish
```

## Use instead
```yaml
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020
        with:
          node-version: 22
      - run: npm ci && npm publish
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.shell.commands import CommandText
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import action_path
from sentra_lint.workflow.model import Job, Step, Workflow
from sentra_lint.yamlmodel import MapNode, as_bool, as_str

META = RuleMeta(
    id="SW014",
    slug="cache-poisoning",
    title="Publishing workflow restores a cache untrusted runs can write",
    severity=Severity.WARNING,
    security_severity=6.5,
    area="workflow",
    precision="medium",
)

_CACHE_ACTIONS = ("actions/cache", "actions/cache/restore", "swatinem/rust-cache")
_SETUP_CACHE = ("cache", "enable-cache")
_PUBLISH_ACTIONS = (
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "goreleaser/goreleaser-action",
    "ncipollo/release-action",
    "actions/create-release",
    "changesets/action",
)
_PUBLISH_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("npm", "publish"),
    ("pnpm", "publish"),
    ("yarn", "publish"),
    ("yarn", "npm", "publish"),
    ("twine", "upload"),
    ("cargo", "publish"),
    ("docker", "push"),
    ("podman", "push"),
    ("gh", "release", "create"),
    ("gh", "release", "upload"),
    ("poetry", "publish"),
    ("uv", "publish"),
    ("gem", "push"),
    ("goreleaser",),
)

# The commands above (and ``docker buildx``) as text: a script that holds none
# publishes nothing, and is not parsed for it.
_PUBLISHERS = CommandText((*_PUBLISH_COMMANDS, ("docker", "buildx")))


def _release_trigger(wf: Workflow) -> str | None:
    for t in wf.triggers:
        if t.name == "release":
            return "the workflow runs on release"
        if t.name == "push" and isinstance(t.config, MapNode) and t.config.get("tags") is not None:
            return "the workflow runs on tag pushes"
    return None


def _publishes(job: Job) -> str | None:
    for step in job.steps:
        path = action_path(step) or ""
        if path in _PUBLISH_ACTIONS:
            return f"{step.named} publishes ({path})"
        if path in ("docker/build-push-action", "docker/bake-action"):
            push = step.input_scalar("push")
            # `push: ${{ github.event_name != 'pull_request' }}`: it pushes on some runs.
            if push is not None and (as_bool(push) is True or "${{" in push.value):
                return f"{step.named} pushes an image"
        if step.run is None or not _PUBLISHERS.may_hold(step.run.value) or step.script is None:
            continue
        for cmd in step.script.commands:
            words = tuple(w.text for w in cmd.argv)
            if not words:
                continue
            words = (cmd.name, *words[1:])
            if "--dry-run" in words:
                continue
            if words[:2] == ("docker", "buildx") and "--push" in words:
                return f"{step.named} runs 'docker buildx … --push'"
            for want in _PUBLISH_COMMANDS:
                if words[: len(want)] == want:
                    return f"{step.named} runs '{' '.join(want)}'"
    return None


# Actions that cache unless told not to: input, the value that turns it off,
# first major version with the default.
_DEFAULT_CACHE: dict[str, tuple[str, str, int]] = {
    "actions/setup-go": ("cache", "false", 4),
    "actions/setup-node": ("package-manager-cache", "false", 5),
    "astral-sh/setup-uv": ("enable-cache", "false", 6),
    "docker/setup-buildx-action": ("cache-binary", "false", 3),
    "gradle/actions/setup-gradle": ("cache-disabled", "true", 3),
    "jdx/mise-action": ("cache", "false", 2),
}


_LONG_DEFAULT = frozenset({"actions/setup-go", "docker/setup-buildx-action", "gradle/actions/setup-gradle"})


def _major(wf: Workflow, step: Step) -> int | None:
    """The action's major version from its tag or a SHA pin's version comment;
    ``None`` when unknown."""
    ref = step.uses_ref
    text = ref.ref if ref is not None and ref.ref is not None else ""
    if ref is not None and ref.pinned_to_sha and step.uses_span is not None:
        line = wf.source.text.splitlines()[step.uses_span.line - 1]
        m = re.search(r"(?<![\w.])v?(\d+)(?:\.\d+){0,2}(?![\w.])", line.partition("#")[2])
        return int(m.group(1)) if m else None
    m = re.fullmatch(r"v?(\d+)(?:\.\d+)*", text.strip())
    return int(m.group(1)) if m else None


def _restores(wf: Workflow, step: Step) -> tuple[Span, str] | None:
    path = action_path(step) or ""
    if path in _CACHE_ACTIONS and step.uses_span is not None:
        return step.uses_span, f"'{step.uses_ref.raw.strip() if step.uses_ref else path}' restores a cache"
    if path.startswith("actions/setup-") or path == "astral-sh/setup-uv":
        for name in _SETUP_CACHE:
            entry = step.input_entry(name)
            if entry is None:
                continue
            text = (as_str(entry[1]) or "").strip().lower()
            if text and text != "false" and "${{" not in text:
                return entry[0].span(wf.source), f"'{name}: {text}' of {path} restores a cache"
    default = _DEFAULT_CACHE.get(path)
    if default is not None and step.uses_span is not None and step.input(default[0]) is None:
        name, off, since = default
        major = _major(wf, step)
        # An unknown version (a SHA without a comment) counts where the default is old.
        if (major is None and path in _LONG_DEFAULT) or (major is not None and major >= since):
            return step.uses_span, f"{path} restores a cache by default ({name}: {off} turns it off)"
    return None


def _feeds(wf: Workflow, publishers: dict[str, str]) -> dict[str, str]:
    """Jobs whose results a publishing job uses (``needs``, transitively):
    their caches end up in what is published too."""
    out: dict[str, str] = {}
    stack = list(publishers)
    while stack:
        job = wf.job(stack.pop())
        if job is None:
            continue
        for need in job.needs:
            if need not in publishers and need not in out:
                out[need] = f"whose artifacts job '{job.id}' publishes"
                stack.append(need)
    # Only a job that hands files over (upload-artifact) feeds what is published.
    return {
        k: v
        for k, v in out.items()
        if (j := wf.job(k)) is not None
        and any(action_path(s) == "actions/upload-artifact" for s in j.steps)
    }


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    publishers = {job.id: why for job in wf.jobs if (why := _publishes(job)) is not None}
    if not publishers:
        return
    release = _release_trigger(wf)
    reasons = {
        **_feeds(wf, publishers),
        **{k: f"which publishes ({v})" for k, v in publishers.items()},
    }
    for job in wf.jobs:
        why = reasons.get(job.id)
        if why is None:
            continue
        if release is not None:
            why = f"{why}; {release}"
        for step in job.steps:
            hit = _restores(wf, step)
            if hit is None:
                continue
            span, what = hit
            yield Violation(
                span,
                f"{what} in job '{job.id}', {why}: an entry written by "
                "another run under the same cache scope goes into what is published; "
                "build releases without restoring caches",
            )
