"""The version of sentra-lint: one source, the package metadata.

``[project] version`` in ``pyproject.toml`` is the only place the version is
written. An installed sentra-lint reads it back from its distribution's
metadata (``importlib.metadata``); ``--version``, SARIF's
``tool.driver.version``/``semanticVersion`` and the JSON report's
``tool.version`` all call :func:`version`, so they cannot disagree.

Run from a source checkout (``src/sentra_lint`` next to ``pyproject.toml``),
the checkout's ``pyproject.toml`` wins: an editable install records the
metadata once, when it is installed, and would otherwise report the version
the checkout had then.

Nothing here is imported at start-up: ``importlib.metadata`` and ``tomllib``
load only when a version is asked for.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DISTRIBUTION = "sentra-lint"
UNKNOWN = "0+unknown"


def _checkout_version() -> str | None:
    """``[project] version`` of the checkout this module runs from, if it runs from one."""
    package = Path(__file__).resolve().parent
    if package.parent.name != "src":
        return None
    pyproject = package.parent.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    from sentra_lint._compat import load_toml, toml_error

    try:
        error = toml_error()
    except ModuleNotFoundError:  # no tomli on Python 3.10: the installed metadata it is
        return None
    try:
        project = load_toml(text).get("project", {})
    except error:
        return None
    value = project.get("version") if project.get("name") == DISTRIBUTION else None
    return value if isinstance(value, str) else None


@cache
def version() -> str:
    """The version of this sentra-lint (``0.2.0``); ``0+unknown`` when nothing records one."""
    checkout = _checkout_version()
    if checkout is not None:
        return checkout
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN

