"""The ordered rule registry: id -> module, and what the rule checks.

Explicit on purpose: no discovery magic. A rule module is imported only when
a run needs it (its target kind is present and the profile selects it), or
when the ``rules``/``explain`` commands list the documentation.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import cache

from sentra_lint._dataclass import dataclass
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import DOC_SECTIONS, Rule, RuleContext, RuleMeta

# (id, module, target)
REGISTRY: tuple[tuple[str, str, str], ...] = (
    ("SC001", "sc001_cap_drop_all", "container"),
    ("SC002", "sc002_privileged", "container"),
    ("SC003", "sc003_no_new_privileges", "container"),
    ("SC004", "sc004_read_only", "container"),
    ("SC005", "sc005_tmp_tmpfs", "container"),
    ("SC006", "sc006_memory", "container"),
    ("SC007", "sc007_swap", "container"),
    ("SC008", "sc008_cpus", "container"),
    ("SC009", "sc009_pids", "container"),
    ("SC010", "sc010_oom_kill", "container"),
    ("SC011", "sc011_root_user", "container"),
    ("SC012", "sc012_host_namespace", "container"),
    ("SC013", "sc013_sensitive_mount", "container"),
    ("SC014", "sc014_security_profile", "container"),
    ("SC015", "sc015_image_unpinned", "container"),
    ("SC016", "sc016_devices", "container"),
    ("SC017", "sc017_tmpfs_size", "container"),
    ("SC018", "sc018_gvisor", "container"),
    ("SC019", "sc019_env_secrets", "container"),
    ("SC020", "sc020_untrusted_registry", "container"),
    ("SC021", "sc021_job_container_root", "repository"),
    ("SC022", "sc022_credential_proxy", "container"),
    ("SD001", "sd001_root_user", "dockerfile"),
    ("SD002", "sd002_pip_after_user", "dockerfile"),
    ("SD003", "sd003_remote_script_pipe", "dockerfile"),
    ("SD004", "sd004_add_remote_no_checksum", "dockerfile"),
    ("SD005", "sd005_apt_recommends", "dockerfile"),
    ("SD006", "sd006_apt_lists", "dockerfile"),
    ("SD007", "sd007_pip_cache", "dockerfile"),
    ("SD008", "sd008_base_unpinned", "dockerfile"),
    ("SD009", "sd009_unversioned_pip", "dockerfile"),
    ("SD010", "sd010_sudo", "dockerfile"),
    ("SD011", "sd011_secret_env", "dockerfile"),
    ("SD012", "sd012_secret_file_copy", "dockerfile"),
    ("SD013", "sd013_world_writable", "dockerfile"),
    ("SD014", "sd014_user_uid", "dockerfile"),
    ("SD015", "sd015_insecure_run", "dockerfile"),
    ("SD016", "sd016_pkg_cache", "dockerfile"),
    ("SD017", "sd017_ssh", "dockerfile"),
    ("SD018", "sd018_healthcheck", "dockerfile"),
    ("SD019", "sd019_tls_verify_off", "dockerfile"),
    ("SD020", "sd020_untrusted_base", "dockerfile"),
    ("SW001", "sw001_unpinned_uses", "workflow"),
    ("SW002", "sw002_template_injection", "workflow"),
    ("SW003", "sw003_permissions", "workflow"),
    ("SW004", "sw004_dangerous_trigger", "workflow"),
    ("SW005", "sw005_persist_credentials", "workflow"),
    ("SW006", "sw006_timeout", "workflow"),
    ("SW007", "sw007_secrets_inherit", "workflow"),
    ("SW008", "sw008_unsecure_commands", "workflow"),
    ("SW009", "sw009_github_env", "workflow"),
    ("SW010", "sw010_self_hosted", "workflow"),
    ("SW011", "sw011_untrusted_no_container", "workflow"),
    ("SW012", "sw012_bot_condition", "workflow"),
    ("SW013", "sw013_always_true_if", "workflow"),
    ("SW014", "sw014_cache_poisoning", "workflow"),
    ("SA001", "sa001_agent_on_runner", "workflow"),
    ("SA002", "sa002_prompt_injection", "workflow"),
    ("SA003", "sa003_agent_safety_off", "workflow"),
    ("SA004", "sa004_anyone_starts_agent", "workflow"),
    ("SA005", "sa005_agent_output_trusted", "workflow"),
    ("SA006", "sa006_privileged_after_agent", "workflow"),
    ("SX001", "sx001_tmpfs_hides_content", "repository"),
    ("SX002", "sx002_root_image", "repository"),
    ("SX003", "sx003_user_mismatch", "repository"),
    ("SE001", "se001_parse_error", "input"),
    ("SE002", "se002_skipped", "input"),
    ("SE003", "se003_suppression", "input"),
)

RULE_IDS: tuple[str, ...] = tuple(r[0] for r in REGISTRY)
_BY_ID = {r[0]: r for r in REGISTRY}


def target_of(rule_id: str) -> str:
    """What a built-in rule's ``check`` receives."""
    return _BY_ID[rule_id][2]


def is_known(rule_id: str) -> bool:
    return rule_id in _BY_ID


def load_rule(rule_id: str) -> Rule | None:
    """A built-in rule by id, imported on first use; ``None`` if it is not implemented."""
    return _load_builtin(rule_id)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules one run may use: the built-ins and the organisation rules its config compiled.

    Passed to a run through its settings, so two runs with different
    configurations in one process never see each other's rules.
    """

    extra: tuple[tuple[Rule, str], ...] = ()
    """Organisation rules (``policies:``), each with its target, in file order."""

    @property
    def ids(self) -> tuple[str, ...]:
        return (*RULE_IDS, *self.extra_ids)

    @property
    def extra_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule, _ in self.extra)

    def is_known(self, rule_id: str) -> bool:
        return rule_id in _BY_ID or rule_id in self.extra_ids

    def target_of(self, rule_id: str) -> str:
        for rule, target in self.extra:
            if rule.id == rule_id:
                return target
        return target_of(rule_id)

    def resolve(self, token: str) -> str | None:
        """``token`` as an id: an id as it is (any case), a rule's name as its id; ``None`` if neither."""
        upper = token.strip().upper()
        if self.is_known(upper):
            return upper
        return resolve(token, tuple(rule for rule, _ in self.extra))

    def load(self, rule_id: str) -> Rule | None:
        for rule, _ in self.extra:
            if rule.id == rule_id:
                return rule
        return _load_builtin(rule_id)


BUILTIN = RuleSet()
"""The built-in rules alone (a run without organisation rules)."""


@cache
def _load_builtin(rule_id: str) -> Rule | None:
    """Import one rule module; ``None`` if it is not implemented."""
    _, module_name, _ = _BY_ID[rule_id]
    qualified = f"{__name__}.{module_name}"
    try:
        module = importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name == qualified:
            return None
        raise
    meta: RuleMeta = module.META
    if meta.id != rule_id:
        raise RuntimeError(f"{qualified}: META.id is {meta.id}, registry says {rule_id}")
    return Rule(
        meta=meta,
        doc=(module.__doc__ or "").strip(),
        check=getattr(module, "check", _no_check),
        check_repository=getattr(module, "check_repository", None),
    )


@cache
def _by_slug() -> dict[str, str]:
    return {r.meta.slug: r.id for r in all_rules()}


def resolve(token: str, extra: tuple[Rule, ...] = ()) -> str | None:
    """The id a name stands for (``cap-drop-all`` -> ``SC001``), or ``None``.

    Imports every rule module the first time a name (not an id) is looked up.
    """
    name = token.strip().lower()
    for rule in extra:
        if rule.meta.slug == name:
            return rule.id
    return _by_slug().get(name)


def all_rules() -> list[Rule]:
    return [r for r in (load_rule(i) for i in RULE_IDS) if r is not None]


def _no_check(target: object, ctx: RuleContext) -> Iterator[Violation]:
    """Input rules (SE*) have no check: the engine makes their findings."""
    return iter(())


def doc_sections_missing(rule: Rule) -> list[str]:
    return [s for s in DOC_SECTIONS if s not in rule.doc]


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTE)
