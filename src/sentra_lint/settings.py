"""The settings of one run: what the options and the configuration decided.

Built by :func:`sentra_lint.check.run_check` from the command line and the
configuration (or by a test), read by the engine, the repository pass and
``--fix``. The rules the run may use travel here too (:attr:`Settings.rules`),
never in a global registry.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from sentra_lint import io as sio
from sentra_lint._dataclass import dataclass
from sentra_lint.budget import DEFAULT_TIMEOUT
from sentra_lint.packs import Policy, load_pack
from sentra_lint.rules import BUILTIN, RuleSet
from sentra_lint.source import Kind


class UsageError(Exception):
    """Bad options: exit code 2 with this message."""


@dataclass(slots=True)
class Settings:
    """Everything a run needs, settled from the options and the configuration."""

    profile: str = "phase1"
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    trusted_registries: tuple[str, ...] = ()
    no_ignores: bool = False
    max_bytes: int = sio.DEFAULT_MAX_BYTES
    jobs: int = 0
    kind: Kind | None = None
    policy: Policy | None = None
    exclude: tuple[str, ...] = ()
    config_suppressions: tuple[Any, ...] = ()
    verbose: bool = False
    timeout: float = DEFAULT_TIMEOUT
    """Seconds one file may take to read and lint (SE002 when over); 0 disables."""
    images: dict[str, Any] = field(default_factory=dict)
    """The config's ``images:`` mapping (image name -> Dockerfile), for the repository rules."""
    config_dir: str | None = None
    config_path: str | None = None
    agents: dict[str, Any] = field(default_factory=dict)
    """The config's ``agents:`` section (additions to the agent inventory)."""
    cache_dir: str | None = None
    """The result cache's folder (``cache.py``); ``None``: no cache."""
    progress: bool = False
    """Show a progress line on standard error when it is a terminal and the run is long."""
    targets: Any = None
    """The config's ``targets:`` (``agents.targets.Targets``); ``None``: the agents only."""
    stdin_filename: str | None = None
    """The path standard input is shown by (``--stdin-filename``)."""
    respect_gitignore: bool = True
    """Leave out the files git ignores when walking folders (named files are always linted)."""
    callers: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Set by the engine's pre-pass: for each reusable workflow of the run (by
    normalised absolute path) that a workflow of the run calls, what it
    inherits from its callers (``workflow.reach.Inherited``)."""

    def resolved_targets(self) -> Any:
        """The run's targets, with profile ``audit`` aiming the hardening rules at every launch."""
        from sentra_lint.agents.targets import AUDIT_PROFILE, Targets

        audit = self.profile == AUDIT_PROFILE
        if self.targets is None:
            self.targets = Targets(audit=audit)
        elif self.targets.audit != audit:
            self.targets = self.targets.with_audit(audit)
        return self.targets
    rules: RuleSet = BUILTIN
    """The built-in rules and the organisation rules of this run's configuration."""

    def resolved_policy(self) -> Policy:
        if self.policy is None:
            self.policy = load_pack(self.profile)
        return self.policy
