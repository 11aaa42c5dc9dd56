"""``dataclass``, as the standard library builds it, with its generated methods compiled once per user.

:func:`dataclasses.dataclass` writes the source of ``__init__``, ``__repr__``,
``__eq__``, ``__hash__`` and the frozen ``__setattr__``/``__delattr__`` of every
class and compiles it when the class is defined: with some 170 model classes
that compiling was the largest single cost of a cold start (about 40 % of
linting one Dockerfile). This decorator runs the standard one unchanged but
hands it a stand-in for ``exec`` that keeps each generated source's code
object, keyed by the source text, beside the package's own bytecode
(``sentra_lint/__pycache__/dataclass-code-<interpreter>/``): the same folder,
written by the same installation, that Python already runs ``.pyc`` files
from, so the cache adds no place whose content becomes code (a folder such as
``~/.cache``, which CI jobs restore from a shared cache, would). It is not
written when bytecode is not (``PYTHONDONTWRITEBYTECODE``, ``python -B``) or
where the package folder is read-only; the next process loads the code
instead of compiling it again; the classes and their methods are the same,
since the source is the key. A missing, unreadable or unwritable cache costs
only the compiling it would save.

Type checkers see :func:`dataclasses.dataclass` itself.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
else:

    def dataclass(cls: Any = None, /, **kwargs: Any) -> Any:
        """:func:`dataclasses.dataclass` with the generated code kept between processes."""
        if cls is None:
            return lambda c: dataclass(c, **kwargs)
        import dataclasses

        global _module
        own = vars(dataclasses)
        previous = own.get("exec", _MISSING)
        own["exec"] = _exec
        _module = getattr(cls, "__module__", None) or "_"
        try:
            made = dataclasses.dataclass(cls, **kwargs)
        finally:
            if previous is _MISSING:
                del own["exec"]
            else:
                own["exec"] = previous
        if getattr(made, "__setstate__", None) is getattr(dataclasses, "_dataclass_setstate", _MISSING):
            _fast_pickling(made, tuple(f.name for f in dataclasses.fields(made)))
        return made

    def _fast_pickling(cls: Any, names: tuple[str, ...]) -> None:
        """The state methods the standard library gives a frozen class with slots, with the
        field names looked up once: its own call ``fields()`` per object, which made loading
        a cached run's results a third slower. The state is the same list of values."""
        setter = object.__setattr__

        def __getstate__(self: Any) -> list[Any]:
            return [getattr(self, name) for name in names]

        def __setstate__(self: Any, state: Any) -> None:
            for name, value in zip(names, state, strict=False):
                setter(self, name, value)

        cls.__getstate__ = __getstate__
        cls.__setstate__ = __setstate__


_MISSING = object()
_MAX_ENTRIES = 400
"""Generated sources kept per module at most; above it a file keeps only what the last process used."""

_codes: dict[str, dict[str, Any]] = {}
"""Per module: generated source -> its code."""
_used: set[str] = set()
_dirty: set[str] = set()
_module = ""
"""The module whose class is being built."""


_cache_root: str | None = None
"""The folder the cache lives in (``None``: the package's ``__pycache__``; tests point it elsewhere)."""


def _cache_path(module: str) -> str:
    import os

    base = _cache_root or os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"
    return os.path.join(base, f"dataclass-code-{tag}", f"{module}.marshal")


def _trusted(st: Any) -> bool:
    """Whether a cache file is the user's own (or the system's, for a system-wide
    installation) and nobody else may write it (as ssh asks of its keys).

    The file holds code this process runs, so it is trusted as far as the
    user's own files are, like bytecode in ``__pycache__``: never a file
    another account owns or may change (a shared, world-writable cache folder).
    """
    import os
    import stat

    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: the folder's ACL decides
        return True
    return bool(st.st_uid in (getuid(), 0) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _load(module: str) -> dict[str, Any]:
    import marshal
    import os
    from types import CodeType

    try:
        with open(_cache_path(module), "rb") as fh:
            if not _trusted(os.fstat(fh.fileno())):
                return {}
            data = marshal.loads(fh.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _exec(source: str, globals: dict[str, Any] | None = None, locals: dict[str, Any] | None = None) -> None:
    """``exec(source, globals, locals)`` with the compiled ``source`` remembered."""
    codes = _codes.get(_module)
    if codes is None:
        codes = _codes[_module] = _load(_module)
    code = codes.get(source)
    if code is None:
        # What exec does with a string: no future statement of this module leaks in.
        code = compile(source, "<string>", "exec", dont_inherit=True)
        codes[source] = code
        # Kept for this process only where Python writes no bytecode either.
        if not sys.dont_write_bytecode:
            if not _dirty:
                import atexit

                atexit.register(_save)
            _dirty.add(_module)
    _used.add(source)
    exec(code, globals, locals)


def _save() -> None:
    import contextlib
    import marshal
    import os

    for module in sorted(_dirty):
        codes = _codes[module]
        if len(codes) > _MAX_ENTRIES:
            codes = {k: v for k, v in codes.items() if k in _used}
        path = _cache_path(module)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
                fh.write(marshal.dumps(codes))
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _dirty.clear()
