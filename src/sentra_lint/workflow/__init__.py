"""GitHub Actions workflows and actions: the typed model (:mod:`.model`).

Import from :mod:`sentra_lint.workflow.model` directly; this package module
stays empty so importing a submodule loads only what it needs.
"""
