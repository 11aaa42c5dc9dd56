"""The parameters of ``check``, declared once for both command-line parsers.

:mod:`sentra_lint.cli` reads a plain ``check`` command line with ``argparse``
and :mod:`sentra_lint.cli_app` builds the typer command from the same table;
both hand :func:`sentra_lint.cli_check.check_command` one value per entry. A
default of ``None`` means "not given": the configuration, else the built-in
default, decides (:func:`sentra_lint.check.build_settings`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.reporters import FORMATS as _REPORTERS

FORMATS = tuple(_REPORTERS)
FAIL_ON = ("error", "warning", "note", "never")
SEVERITIES = ("note", "warning", "error")
COLORS = ("auto", "always", "never")
KINDS = ("dockerfile", "workflow", "action", "compose", "devcontainer", "mcp")


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of ``check``: the argument (no flags) or an option."""

    name: str
    """The keyword :func:`run_check` reads it by."""
    flags: tuple[str, ...]
    type: Any
    """``str``, ``int``, ``float``, ``bool`` (a flag), or ``list`` (the paths)."""
    default: Any
    help: str
    repeat: bool = False
    """May be given several times; the values add up (``--select SC --select SD``)."""

    @property
    def annotation(self) -> Any:
        """The Python type the typer command declares for it."""
        if self.type is list or self.repeat:
            return list[str] | None
        if self.default is None:
            return self.type | None
        return self.type


CHECK_PARAMS: tuple[Param, ...] = (
    Param("paths", (), list, None, "Files and directories (default: .). '-' reads standard input."),
    Param(
        "fmt", ("--output-format", "--format", "-f"), str, "text",
        f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}.",
    ),
    Param("output", ("--output", "-o"), str, None, "Write the report to FILE."),
    Param(
        "profile", ("--profile",), str, None,
        "hardening (phase1), credential-proxy (phase2), gvisor (phase3), all or audit (default: the config's, else phase1).",
    ),
    Param("config", ("--config",), str, None, "Use this config file instead of discovering one."),
    Param("no_config", ("--no-config",), bool, False, "Ignore every config file."),
    Param(
        "select", ("--select",), str, None,
        "Only these rules: ids, names or prefixes like SC, comma-separated; may be repeated.", repeat=True,
    ),
    Param("ignore", ("--ignore",), str, None, "Skip these rules (ids, names or prefixes); may be repeated.", repeat=True),
    Param("fail_on", ("--fail-on",), str, "error", "Exit 1 on a finding at or above: error, warning, note or never."),
    Param("exit_zero", ("--exit-zero",), bool, False, "Exit 0 even when there are findings (2 still means an error)."),
    Param(
        "min_severity", ("--min-severity",), str, None,
        "Report only findings at or above: note, warning or error (they alone count for --fail-on).",
    ),
    Param("statistics", ("--statistics",), bool, False, "Show how many findings each rule has, instead of the findings."),
    Param("quiet", ("--quiet", "-q"), bool, False, "Print the findings and nothing else (no summary, no hints)."),
    Param("kind", ("--kind",), str, None, "Treat explicit paths (and standard input) as this kind."),
    Param(
        "stdin_filename", ("--stdin-filename",), str, None,
        "The name standard input is shown by; its kind comes from the name unless --kind says.",
    ),
    Param(
        "no_respect_gitignore", ("--no-respect-gitignore",), bool, False,
        "Also lint files .gitignore (or .git/info/exclude) excludes when walking folders.",
    ),
    Param(
        "trusted_registries", ("--trusted-registries",), str, None,
        "Comma-separated registries (or prefixes) images may come from (SD020, SC020).",
    ),
    Param("no_ignores", ("--no-ignores",), bool, False, "Disregard inline suppressions."),
    Param("show_suppressed", ("--show-suppressed",), bool, False, "List suppressed findings in text output."),
    Param("sarif_category", ("--sarif-category",), str, None, "SARIF runAutomationDetails id."),
    Param("jobs", ("--jobs", "-j"), int, 0, "Parallel workers (0: all cores)."),
    Param(
        "max_file_size", ("--max-file-size",), int, None,
        "Skip files larger than this many bytes (default: the config's max-file-size, else 5 MiB).",
    ),
    Param(
        "timeout_per_file", ("--timeout-per-file",), float, None,
        "Skip a file (SE002) that takes longer than this many seconds (default: 10; 0: no limit).",
    ),
    Param("color", ("--color",), str, "auto", "auto, always or never (auto honours NO_COLOR and FORCE_COLOR)."),
    Param("verbose", ("--verbose", "-v"), bool, False, "Say which config, files and rules were used."),
    Param("baseline", ("--baseline",), str, None, "Report only findings not recorded in this baseline."),
    Param("write_baseline", ("--write-baseline",), str, None, "Record the current findings in FILE."),
    Param("fix", ("--fix",), bool, False, "Apply safe fixes (--fix=unsafe: unsafe ones too), then report what is left."),
    Param(
        "unsafe_fixes", ("--unsafe-fixes",), bool, False,
        "With --fix or --diff: include unsafe fixes (same as --fix=unsafe).",
    ),
    Param("diff", ("--diff",), bool, False, "Print the fixes as a unified diff; write nothing."),
    Param(
        "cache_dir", ("--cache-dir",), str, None,
        "Reuse the results of unchanged files from this folder (e.g. .sentra-lint-cache).",
    ),
    Param("no_cache", ("--no-cache",), bool, False, "Do not read or write the result cache."),
)


def rewrite_fix(args: Sequence[str]) -> list[str]:
    """``--fix=unsafe`` (an optional value neither parser declares) as ``--fix --unsafe-fixes``."""
    rewritten: list[str] = []
    for arg in args:
        if arg == "--":
            rewritten.extend(args[len(rewritten) :])
            break
        if arg == "--fix=unsafe":
            rewritten.extend(("--fix", "--unsafe-fixes"))
        elif arg == "--fix=safe":
            rewritten.append("--fix")
        else:
            rewritten.append(arg)
    return rewritten
