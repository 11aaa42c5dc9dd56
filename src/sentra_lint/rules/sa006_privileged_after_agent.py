"""Privileged step runs after the agent in the same job.

## What it does
Reports a step that comes after an agent step (one that can act: shell,
file edits) in the same job and that publishes, pushes, releases or
deploys - `npm publish`, `docker push`, `git push`, `gh release`,
`twine upload`, `cargo publish`, ... in its `run:` script, or a publishing
or deploying action (`softprops/action-gh-release`,
`pypa/gh-action-pypi-publish`, `docker/build-push-action` with
`push: true`, a pages deploy, a commit-and-push action) - or that receives
secrets the agent step did not have. The finding is on the privileged
command (or the `uses:` value, or the secret); the agent step is a related
location. Severity is error under triggers outside users can fire (no gate
found), warning otherwise.

## Why is this bad?
The agent could change anything the job's later steps read: the workspace
(scripts, `package.json` lifecycle scripts, build files), `$GITHUB_ENV`
(`LD_PRELOAD`, `NODE_OPTIONS`), `$GITHUB_PATH` (a fake `git` or `npm`) and
the tools installed on the runner. A prompt injection that reaches the agent
then runs with the publishing step's token and secrets, which the agent
itself was never given.

## Example
```yaml
    steps:
      - uses: actions/checkout@v4
      - run: claude -p "Update the changelog" --allowedTools "Edit"
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## Use instead
Publish from a separate job that does not run the agent; hand it only a
reviewed artifact (or the agent's change as a pull request):
```yaml
jobs:
  agent:
    steps:
      - run: claude -p "Update the changelog" --allowedTools "Edit"
      - uses: actions/upload-artifact@v4
        with: {name: changelog, path: CHANGELOG.md}
  publish:
    needs: agent
    environment: release
    steps:
      - uses: actions/checkout@v4
      - run: npm publish
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.agents.posture import AgentRun, agent_runs, outsider_reach, step_secrets
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.source import Span
from sentra_lint.workflow.model import Step, Workflow
from sentra_lint.yamlmodel import ScalarNode

META = RuleMeta(
    id="SA006",
    slug="privileged-after-agent",
    title="Privileged step runs after an agent in the same job",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=7.0,
    area="workflow",
    precision="high",
)

# (command, subcommands that publish; empty: the command itself)
_PUBLISH: dict[str, tuple[str, ...]] = {
    "npm": ("publish",), "pnpm": ("publish",), "yarn": ("publish", "npm"), "bun": ("publish",),
    "docker": ("push",), "podman": ("push",), "buildah": ("push",), "skopeo": ("copy",),
    "git": ("push",), "twine": ("upload",), "cargo": ("publish",), "gem": ("push",), "poetry": ("publish",),
    "uv": ("publish",), "flit": ("publish",), "hatch": ("publish",), "mvn": ("deploy",), "helm": ("push",),
    "vsce": ("publish",), "ovsx": ("publish",), "goreleaser": ("release",), "terraform": ("apply",),
    "wrangler": ("deploy", "publish"), "firebase": ("deploy",), "netlify": ("deploy",), "vercel": ("deploy",),
}
_GH_PUBLISH = {("release", "create"), ("release", "upload"), ("release", "edit"), ("pr", "merge")}
_PUBLISH_ACTIONS = (
    "softprops/action-gh-release", "ncipollo/release-action", "pypa/gh-action-pypi-publish",
    "actions/deploy-pages", "peaceiris/actions-gh-pages", "jamesives/github-pages-deploy-action",
    "stefanzweifel/git-auto-commit-action", "ad-m/github-push-action", "cloudflare/wrangler-action",
    "amondnet/vercel-action", "azure/webapps-deploy", "google-github-actions/deploy-cloudrun",
    "aws-actions/amazon-ecs-deploy-task-definition", "changesets/action", "goreleaser/goreleaser-action",
    "docker/build-push-action",
)


def _publishes(wf: Workflow, step: Step) -> Iterator[tuple[Span, str]]:
    ref = step.uses_ref
    if ref is not None and ref.slug is not None and step.uses_span is not None:
        full = f"{ref.slug}/{ref.path}" if ref.path else ref.slug
        if full in _PUBLISH_ACTIONS or ref.slug in _PUBLISH_ACTIONS:
            if ref.slug == "docker/build-push-action":
                push = step.input("push")
                if not (isinstance(push, ScalarNode) and push.value.strip().lower() == "true"):
                    return
            yield step.uses_span, f"`{full}` publishes"
        return
    if not isinstance(step.run, ScalarNode) or step.run.is_null:
        return
    script = step.script
    if script is None:
        return
    src = wf.source
    vmap = step.run.value_map(src)
    for cmd in script.commands:
        if not cmd.argv:
            continue
        name = cmd.name
        words = [w.text for w in cmd.argv[1:] if not w.text.startswith("-")]
        if name == "gh" and len(words) >= 2 and (words[0], words[1]) in _GH_PUBLISH:
            end = next(w for w in cmd.argv[1:] if w.text == words[1]).end
            yield vmap.span(src, cmd.argv[0].start, end), f"`gh {words[0]} {words[1]}`"
            continue
        subs = _PUBLISH.get(name)
        if subs and words and words[0] in subs:
            sub = next(w for w in cmd.argv[1:] if w.text == words[0])
            yield vmap.span(src, cmd.argv[0].start, sub.end), f"`{name} {words[0]}`"


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    inv = ctx.agents()
    firsts: dict[int, AgentRun] = {}
    for run in agent_runs(wf, inv):
        if run.inference_only or run.job is None:
            continue
        firsts.setdefault(id(run.job), run)
    for job in wf.jobs:
        first = firsts.get(id(job))
        if first is None:
            continue
        run = first
        reach = outsider_reach(wf, job, run.step, run)
        sev = Severity.ERROR if reach.outsiders and not reach.limited else Severity.WARNING
        trig = f" under {reach.names()}" if reach.outsiders else ""
        agent_secrets = {n for n, _ in step_secrets(wf, job, run.step)}
        related = (Related(wf.source.path, run.span or run.step.span, f"the agent `{run.name}` runs first"),)
        started = False
        for step in job.steps:
            if step is run.step:
                started = True
                continue
            if not started:
                continue
            hits = list(_publishes(wf, step))
            for span, what in hits:
                yield Violation(
                    span,
                    f"{what} after the agent `{run.name}` ran in this job{trig}: the agent could have changed "
                    "the workspace, $GITHUB_ENV or $GITHUB_PATH this step trusts; publish from a separate job",
                    severity=sev,
                    related=related,
                )
            if hits:
                continue
            new = [(n, s) for n, s in step_secrets(wf, job, step) if n not in agent_secrets]
            if new:
                name, span = new[0]
                yield Violation(
                    span,
                    f"`{name.removeprefix('secrets.')}` reaches a step after the agent `{run.name}` ran in this "
                    f"job{trig}, a secret the agent was not given: the agent could have changed the workspace, "
                    "$GITHUB_ENV or $GITHUB_PATH this step trusts; use it in a separate job",
                    severity=sev,
                    related=related,
                )
