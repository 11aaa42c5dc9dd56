"""The engine's repository pass: join the files' facts, load linked files, run the SX rules.

Called once per run after every file was linted. Files are never parsed
twice: the facts of linted files come back with their results. Files the
run did not name but that the named ones link to are read here, once, for
their facts only (no other rule runs on them):

* a Dockerfile that a build names (``file:``, ``-f``, ``build:``);
* when a Dockerfile is named on its own (a pre-commit run), the workflows,
  Compose files and dev containers under the current folder (else in its
  repository), which may launch it.

A finding is kept when its launch or one of its related places is in a
file the run was asked to lint.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentra_lint.source import Kind

if TYPE_CHECKING:
    from sentra_lint.crossfile.facts import FileFacts
    from sentra_lint.discover import Candidate
    from sentra_lint.result import FileResult
    from sentra_lint.selection import ActiveRules
    from sentra_lint.settings import Settings

# How far a chain of calls is followed into files the run did not name.
_MAX_CALL_DEPTH = 8
_LAUNCH_KINDS = (Kind.WORKFLOW, Kind.ACTION, Kind.COMPOSE, Kind.DEVCONTAINER, Kind.MCP)


class LinkPlan:
    """What the repository pass of a run will have, decided before the files are linted.

    Every SX finding is a launch linked to a Dockerfile, and launches come
    from workflows, actions, Compose files and dev containers: those the run
    lints and, when a Dockerfile is named on its own, the neighbouring ones
    that may build images. A run without any (and without a config
    ``images:`` mapping, whose Dockerfiles the pass reads) has nothing to
    link: its Dockerfiles' facts are not collected and the pass is skipped.
    """

    __slots__ = ("linkable", "neighbours")

    def __init__(self, linkable: bool, neighbours: list[Candidate]) -> None:
        self.linkable = linkable
        self.neighbours = neighbours
        """Neighbouring launch files, not named by the run, that may build images."""


def plan_links(candidates: list[Candidate], settings: Settings, cwd: str) -> LinkPlan:
    neighbours = _neighbours(candidates, settings, cwd)
    linkable = (
        bool(getattr(settings, "images", None))
        or bool(neighbours)
        or any(c.kind in _LAUNCH_KINDS for c in candidates)
    )
    return LinkPlan(linkable, neighbours)


def _neighbours(candidates: list[Candidate], settings: Settings, cwd: str) -> list[Candidate]:
    from sentra_lint.discover import discover

    named_dockerfile = next(
        (c for c in candidates if c.explicit and c.kind is Kind.DOCKERFILE and str(c.path) != "-"),
        None,
    )
    if named_dockerfile is None:
        return []
    here = Path(cwd).resolve()
    named = named_dockerfile.path.resolve()
    # the folder the run started in (pre-commit runs at the repository root), else the repository
    root = here if here in named.parents else (_git_root(named.parent) or here)
    mapped_images = bool(getattr(settings, "images", None))
    out: list[Candidate] = []
    for cand in discover([str(root)], launches_only=True):
        if cand.kind not in _LAUNCH_KINDS:
            continue
        if not mapped_images and not _may_build_images(cand.path, cand.kind):
            continue
        out.append(cand)
    return out


def load_facts(path: Path, kind: Kind, settings: Settings, cwd: str) -> FileFacts | None:
    """Read and analyse one linked file for its facts; ``None`` if it cannot be read."""
    from sentra_lint import io as sio
    from sentra_lint.analysis import analyse
    from sentra_lint.crossfile.facts import collect

    display = sio.display_path(path, cwd)
    try:
        src = sio.read_source(path, display, kind, settings.max_bytes)
        return collect(src, kind, analyse(src, kind))
    except (sio.Skip, OSError, RecursionError):
        return None
    except Exception:  # a parser problem in a linked file: it is linted when named
        return None


def _may_build_images(path: Path, kind: Kind) -> bool:
    """A cheap look at the bytes before a full parse (pre-commit runs on one Dockerfile).

    A file that builds an image names the build (a workflow's ``docker build``
    or ``docker/build-push-action``, a Compose ``build:``, a dev container's
    ``dockerfile``); a file that does not cannot link a launch to the named
    Dockerfile unless the config maps images, so it is not parsed.
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(8 * 1024 * 1024)
    except OSError:
        return False
    if kind is Kind.DEVCONTAINER:
        return b"ockerfile" in data or b"ockerFile" in data
    if kind is Kind.COMPOSE:
        return b"build" in data
    return b"build" in data and (b"docker" in data or b"podman" in data or b"buildah" in data)


def _git_root(start: Path) -> Path | None:
    current = start.resolve()
    for folder in (current, *current.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repository_pass(
    candidates: list[Candidate],
    results: list[FileResult],
    active: ActiveRules,
    settings: Settings,
    cwd: str,
    plan: LinkPlan | None = None,
) -> tuple[FileResult, list[str]]:
    from sentra_lint import io as sio
    from sentra_lint.crossfile.facts import config_builds
    from sentra_lint.crossfile.repository import Repository
    from sentra_lint.result import FileResult, InternalError
    from sentra_lint.stamp import in_scope, stamp, suppress_inline
    from sentra_lint.suppress import Suppressions

    if plan is None:
        plan = plan_links(candidates, settings, cwd)
    out = FileResult()
    notes: list[str] = []
    files: list[FileFacts] = [r.facts for r in results if getattr(r, "facts", None) is not None]
    present = {os.path.normcase(f.abspath) for f in files}
    if plan.neighbours:
        named_dockerfile = next(
            c for c in candidates if c.explicit and c.kind is Kind.DOCKERFILE and str(c.path) != "-"
        )
        for cand in plan.neighbours:
            if cand.kind is None or os.path.normcase(os.path.abspath(cand.path)) in present:
                continue
            facts = load_facts(cand.path, cand.kind, settings, cwd)
            if facts is not None and (facts.launches or facts.builds):
                files.append(facts)
                present.add(os.path.normcase(facts.abspath))
                notes.append(
                    f"cross-file rules: read {facts.path}, which may launch or build "
                    f"{sio.display_path(named_dockerfile.path, cwd)}"
                )
    images = getattr(settings, "images", None) or {}
    config_dir = getattr(settings, "config_dir", None)
    config_path = getattr(settings, "config_path", None)
    shown_config = sio.display_path(Path(config_path), cwd) if config_path else "config"
    extra = config_builds(images, config_dir, shown_config)
    repo = Repository(files, extra)
    for missing in repo.missing_dockerfiles():
        if not Path(missing).is_file():
            continue
        facts = load_facts(Path(missing), Kind.DOCKERFILE, settings, cwd)
        if facts is None:
            continue
        files.append(facts)
        users = sorted(
            {b.path for b in (*repo.builds, *repo.config_builds) if b.dockerfile == missing}
        )
        notes.append(
            f"cross-file rules: read {facts.path}, built by {', '.join(users) or 'a launch'}"
        )
    # Called files, and the files they call in turn (a chain of calls), each read once.
    tried: set[str] = set()
    for _round in range(_MAX_CALL_DEPTH):
        loaded = False
        for callee, kind in repo.missing_callees():
            if callee in tried:
                continue
            tried.add(callee)
            if not Path(callee).is_file():
                continue
            facts = load_facts(
                Path(callee), Kind.ACTION if kind == "action" else Kind.WORKFLOW, settings, cwd
            )
            if facts is None:
                continue
            files.append(facts)
            loaded = True
            notes.append(f"cross-file rules: read {facts.path}, called by a file of the run")
        repo = Repository(files, extra)
        if not loaded:
            break
    by_path = {f.path: f for f in files}
    linted = {sio.display_path(c.path, cwd) for c in candidates}
    for rule, setting, ctx in active.by_target.get("repository", ()):
        try:
            for v in rule.check(repo, ctx):
                path = v.path or ""
                if not in_scope(path, setting):
                    continue
                if path not in linted and not any(r.path in linted for r in v.related):
                    continue
                facts_of = by_path.get(path)
                text: str = ""
                lines: tuple[int, ...] = (v.span.line,)
                if facts_of is not None and v.span.line in facts_of.lines:
                    text, lines = facts_of.lines[v.span.line]
                finding = stamp(rule, setting, v, path, text)
                if facts_of is not None and facts_of.pragmas and not settings.no_ignores:
                    suppress_inline(finding, Suppressions.build(list(facts_of.pragmas)), lines)
                out.findings.append(finding)
        except Exception as exc:
            out.errors.append(InternalError.of("(repository)", rule.id, exc))
    return out, notes


def collect_facts(src: Any, kind: Kind, analysis: Any) -> FileFacts:
    """The facts the repository rules need from one linted file (imported only when they run)."""
    from sentra_lint.crossfile.facts import collect

    return collect(src, kind, analysis)
