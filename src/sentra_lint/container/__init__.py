"""Container launches: the Docker CLI grammar and the ContainerSpec model.

Import from the submodules (``sentra_lint.container.spec``, ``.flags``,
``.sizes``, ``.from_argv``); this package module stays empty so that
importing one of them loads nothing else.
"""
