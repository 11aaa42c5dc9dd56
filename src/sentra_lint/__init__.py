"""sentra-lint: a linter and policy engine for container hardening."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version comes from the package metadata (sentra_lint._version), read
    # only when asked for: most runs never need it.
    if name == "__version__":
        from sentra_lint._version import version

        return version()
    raise AttributeError(name)
