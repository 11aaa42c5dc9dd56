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

Nothing here is imported at start-up, and a version costs no big import:
the checkout's ``pyproject.toml`` is read by a plain scan of its
``[project]`` table (``tomllib`` only when the scan is unsure), and an
installed package reads the ``Version:`` line of its own ``.dist-info``
beside it (``importlib.metadata``, about 40 ms, only when that is not
found). A linter that reports its version on every run must not pay a
noticeable share of its start for it.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from sentra_lint._lazy_re import lazy_compile

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
    scanned = _scan_project(text)
    if scanned is not None:
        name, scanned_version = scanned
        return scanned_version if name == DISTRIBUTION else None
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


_HEADER = lazy_compile(r"^(\[\[?)\s*([^\[\]]*?)\s*(\]\]?)\s*(?:#.*)?$")
_STRING_KEY = lazy_compile(r'^(name|version)\s*=\s*"([^"\\]*)"\s*(?:#.*)?$')


def _scan_project(text: str) -> tuple[str, str] | None:
    """``(name, version)`` of the ``[project]`` table when both are plain one-line strings, else ``None``.

    ``None`` (a layout the scan does not know) leaves the answer to a TOML parser.
    """
    table = ""
    found: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if '"""' in line or "'''" in line:
            return None  # a multi-line string may hold anything
        if line.startswith("["):
            header = _HEADER.match(line)
            if header is None or len(header.group(1)) != len(header.group(3)):
                return None
            table = header.group(2) if header.group(1) == "[" else ""
            continue
        if table != "project":
            continue
        key = line.split("=", 1)[0].strip()
        if key not in ("name", "version"):
            continue
        m = _STRING_KEY.match(line)
        if m is None or key in found:
            return None
        found[key] = m.group(2)
    if "name" not in found or "version" not in found:
        return None
    return found["name"], found["version"]


def _installed_version() -> str | None:
    """The ``Version:`` of the one ``sentra_lint-*.dist-info`` beside this package, if there is exactly one."""
    site = Path(__file__).resolve().parent.parent
    prefix = DISTRIBUTION.replace("-", "_") + "-"
    try:
        infos = [e.name for e in os.scandir(site) if e.name.lower().startswith(prefix) and e.name.endswith(".dist-info")]
    except OSError:
        return None
    if len(infos) != 1:
        return None
    try:
        with open(site / infos[0] / "METADATA", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    break  # the end of the headers
                if line.startswith("Version:"):
                    return line[len("Version:") :].strip() or None
    except (OSError, UnicodeDecodeError):
        return None
    return None


@cache
def version() -> str:
    """The version of this sentra-lint (``0.2.0``); ``0+unknown`` when nothing records one."""
    checkout = _checkout_version()
    if checkout is not None:
        return checkout
    installed = _installed_version()
    if installed is not None:
        return installed
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN

