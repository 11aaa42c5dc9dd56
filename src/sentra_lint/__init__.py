"""sentra-lint: a linter and policy engine for container hardening."""

__version__ = "0.1.0"
