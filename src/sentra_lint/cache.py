"""The result cache: a file whose inputs have not changed is not linted again.

Each file's result (its findings, internal errors, cross-file facts and
container launches, before configuration suppressions and fingerprints are
applied) is stored under the cache folder, keyed by

- the run: the sentra-lint version (and, run from a source checkout, the size
  and modification time of every module), the Python version, the effective
  configuration (every setting, the policy, the configuration file's bytes),
  the rules that run and their settings, and whether the repository rules may
  link anything;
- the file: its path as reported, the SHA-256 of its bytes (for a reusable
  workflow, together with what it inherits from the workflows that call it:
  their triggers, gates and the places of their ``uses:``), and the
  signature of everything its lint read besides it (other files: their bytes;
  folders: their names) plus the names in its own folder (a Compose override
  that appears next to its base).

The cross-file pass is never cached: it runs on every run, over the cached and
the fresh per-file facts, so a change to any file of a link is seen. A cached
run's output is the same, byte for byte, as an uncached one.

What a file's lint reads is recorded with an audit hook (``open``,
``os.listdir``, ``os.scandir``), installed only in runs that use the cache.
Existence checks that read nothing (``Path.is_file``) are not seen: a file
that did not exist when a result was stored and appears later, outside the
linted file's own folder, is not noticed. That is why the cache is used only
when asked for (``--cache-dir``).

Stored results are pickles, signed with a key kept in the user's cache folder
(``$XDG_CACHE_HOME/sentra-lint/cache-key``) so a cache folder that comes with
a repository is never unpickled. A cache that cannot be read or written is
ignored: the run lints.

The folder holds a ``.gitignore`` (``*``) and a ``CACHEDIR.TAG``, like
ruff's ``.ruff_cache``.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentra_lint._dataclass import dataclass
from sentra_lint._sha import sha256

if TYPE_CHECKING:
    from sentra_lint.discover import Candidate
    from sentra_lint.result import FileResult
    from sentra_lint.selection import ActiveRules
    from sentra_lint.settings import Settings

CACHE_DIR_NAME = ".sentra-lint-cache"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by sentra-lint.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
FORMAT = 1


@dataclass
class Stats:
    """Hits and misses of the last run that used the cache (for tests and ``--verbose``)."""

    hits: int = 0
    misses: int = 0
    linted: list[str] = field(default_factory=list)


LAST = Stats()

# ---------------------------------------------------------------- reads of one file's lint

_recording: list[str] | None = None
_hook_installed = False
_IGNORED_PREFIXES: tuple[str, ...] = ()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    rec = _recording
    if rec is None:
        return
    if event == "open" or event in ("os.listdir", "os.scandir"):
        target = args[0] if args else None
        if isinstance(target, int) or target is None:
            return
        try:
            path = os.path.abspath(os.fsdecode(target))
        except (TypeError, ValueError):
            return
        if not path.startswith(_IGNORED_PREFIXES):
            rec.append(("d:" if event != "open" else "f:") + path)


def _install_hook() -> None:
    global _hook_installed, _IGNORED_PREFIXES
    if _hook_installed:
        return
    _wrap_memos()
    package = os.path.dirname(os.path.abspath(__file__))
    prefixes = {package + os.sep, "/proc/", "/dev/", "/sys/"}
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix):
        prefixes.add(os.path.abspath(p) + os.sep)
    _IGNORED_PREFIXES = tuple(sorted(prefixes))
    sys.addaudithook(_audit)
    _hook_installed = True


def _wrap_memos() -> None:
    """Reads behind a per-process memo are seen once; the memo's inputs are recorded on every call.

    Both memos read the ``.github/workflows`` folder of a repository root, so a
    call records ``w:<root>``, whose signature is that folder's files.
    """
    import functools

    from sentra_lint.compose import project
    from sentra_lint.container import adapters

    def wrap(module: Any, name: str) -> None:
        inner = getattr(module, name)
        if getattr(inner, "__sentra_cache_wrapped__", False):
            return

        @functools.wraps(inner)
        def call(root: Any, *args: Any, **kwargs: Any) -> Any:
            rec = _recording
            if rec is not None and root is not None:
                rec.append("w:" + os.path.abspath(os.fspath(root)))
            return inner(root, *args, **kwargs)

        call.__sentra_cache_wrapped__ = True  # type: ignore[attr-defined]
        setattr(module, name, call)

    wrap(adapters, "repository_built_images")
    wrap(project, "compose_file_sets")


@contextmanager
def recording() -> Iterator[list[str]]:
    """Collect what is opened or listed inside the block (``f:``/``d:`` + absolute path)."""
    global _recording
    outer = _recording
    reads: list[str] = []
    _recording = reads
    try:
        yield reads
    finally:
        _recording = outer


# ---------------------------------------------------------------- keys


def _source_fingerprint() -> str:
    """Run from a source checkout, the modules' sizes and times: an edit invalidates the cache."""
    from sentra_lint import _version

    package = Path(_version.__file__).resolve().parent
    if package.parent.name != "src":
        return ""
    digest = sha256()
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".json")):
                st = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def version_key() -> str:
    from sentra_lint._version import version

    return f"{version()}|{_source_fingerprint()}|{sys.version_info[:3]}|{FORMAT}"


def run_key(settings: Settings, active: ActiveRules) -> str:
    """What every result of this run depends on besides the file itself."""
    config_bytes = b""
    if settings.config_path:
        try:
            config_bytes = Path(settings.config_path).read_bytes()
        except OSError:
            config_bytes = b"<unreadable>"
    parts = [
        version_key(),
        repr(settings.profile),
        repr(sorted(settings.select) if settings.select is not None else None),
        repr(sorted(settings.ignore)),
        repr(settings.trusted_registries),
        repr(settings.no_ignores),
        repr(settings.max_bytes),
        repr(settings.kind),
        repr(settings.timeout),
        repr(sorted(settings.images.items(), key=repr)),
        repr(sorted(settings.agents.items(), key=repr)),
        repr(settings.config_dir),
        repr(settings.config_path),
        sha256(config_bytes).hexdigest(),
        repr(settings.policy),
        repr(sorted(active.enabled)),
        repr(sorted((k, repr(v)) for k, v in active.settings.items())),
        repr(list(active.rules.ids)),
        repr(active.linkable),
    ]
    return sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class _Signatures:
    """The signature of a path (a file's bytes, a folder's names), read once per run."""

    def __init__(self) -> None:
        self._memo: dict[str, str] = {}

    def of(self, dep: str) -> str:
        sig = self._memo.get(dep)
        if sig is None:
            sig = self._memo[dep] = self._compute(dep)
        return sig

    @staticmethod
    def _compute(dep: str) -> str:
        kind, path = dep[:2], dep[2:]
        try:
            if kind == "w:":
                folder = os.path.join(path, ".github", "workflows")
                digest = sha256()
                try:
                    names = sorted(os.listdir(folder))
                except FileNotFoundError:
                    return "-"
                for name in names:
                    digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
                    if name.endswith((".yml", ".yaml")):
                        try:
                            with open(os.path.join(folder, name), "rb") as fh:
                                digest.update(sha256(fh.read()).digest())
                        except OSError:
                            digest.update(b"!")
                return "w" + digest.hexdigest()
            if kind == "d:" or os.path.isdir(path):
                return "d" + sha256("\0".join(sorted(os.listdir(path))).encode("utf-8", "surrogateescape")).hexdigest()
            with open(path, "rb") as fh:
                return "f" + sha256(fh.read()).hexdigest()
        except FileNotFoundError:
            return "-"
        except OSError as exc:
            return f"!{exc.errno}"


# ---------------------------------------------------------------- the store


def _user_key() -> bytes | None:
    """The secret that signs this user's cache entries (created on first use)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "sentra-lint", "cache-key")
    try:
        with open(path, "rb") as fh:
            key = fh.read()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        key = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
    except OSError:
        return None


def _sign(key: bytes, data: bytes) -> bytes:
    import hmac

    return hmac.new(key, data, "sha256").digest()


def prepare_folder(root: Path) -> None:
    """Create the cache folder with its ``.gitignore`` and ``CACHEDIR.TAG``."""
    root.mkdir(parents=True, exist_ok=True)
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# Automatically created by sentra-lint.\n*\n", encoding="utf-8")
    tag = root / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(CACHEDIR_TAG, encoding="utf-8")


Entry = tuple[str, tuple[tuple[str, str], ...], bytes]
"""(the file's SHA-256, the signatures of what its lint read, the pickled result)."""


class ResultCache:
    def __init__(self, root: Path, key: str, secret: bytes) -> None:
        self.root = root
        self.path = root / version_key_folder() / f"{key}.pickle"
        self.secret = secret
        self.entries: dict[str, Entry] = {}
        self.changed = False
        self.signatures = _Signatures()
        self._load()

    def _load(self) -> None:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return
        mac, data = blob[:32], blob[32:]
        import hmac

        if len(blob) < 32 or not hmac.compare_digest(mac, _sign(self.secret, data)):
            return  # not written by this user's sentra-lint: never unpickled
        try:
            entries = pickle.loads(data)
        except Exception:
            return
        if isinstance(entries, dict):
            self.entries = entries

    def save(self) -> None:
        if not self.changed:
            return
        try:
            prepare_folder(self.root)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = pickle.dumps(self.entries, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(_sign(self.secret, data) + data)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only tree: the next run lints again

    def lookup(self, shown: str, digest: str) -> FileResult | None:
        entry = self.entries.get(shown)
        if entry is None or entry[0] != digest:
            return None
        for dep, sig in entry[1]:
            if self.signatures.of(dep) != sig:
                return None
        try:
            result: FileResult = pickle.loads(entry[2])
        except Exception:
            return None
        return result

    def store(self, shown: str, digest: str, own: str, result: FileResult) -> None:
        deps = sorted((set(result.reads) | {"d:" + os.path.dirname(own)}) - {"f:" + own})
        result.reads = ()
        self.entries[shown] = (digest, tuple((d, self.signatures.of(d)) for d in deps), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        self.changed = True


def version_key_folder() -> str:
    from sentra_lint._version import version

    return f"{version()}"


def _cacheable(result: FileResult) -> bool:
    # A crash, a timeout or a skipped file is linted again next time.
    return not result.errors and not any(f.rule == "SE002" for f in result.findings)


def run_cached(
    candidates: list[Candidate],
    settings: Settings,
    active: ActiveRules,
    shown: Callable[[Candidate], str],
    lint: Callable[[list[Candidate]], list[FileResult]],
) -> list[FileResult]:
    """Lint the candidates whose result is not in the cache; the results in the candidates' order."""
    global LAST
    LAST = Stats()
    assert settings.cache_dir is not None
    secret = _user_key()
    if secret is None:
        return lint(candidates)
    _install_hook()
    cache = ResultCache(Path(settings.cache_dir), run_key(settings, active), secret)
    results: list[FileResult | None] = [None] * len(candidates)
    todo: list[int] = []
    keys: dict[int, tuple[str, str, str]] = {}
    for i, cand in enumerate(candidates):
        if cand.kind is None or str(cand.path) == "-":
            todo.append(i)
            continue
        try:
            if os.path.getsize(cand.path) > settings.max_bytes:
                todo.append(i)
                continue
            with open(cand.path, "rb") as fh:
                digest = sha256(fh.read()).hexdigest()
        except OSError:
            todo.append(i)
            continue
        inherited = settings.callers.get(os.path.normcase(os.path.abspath(cand.path))) if settings.callers else None
        if inherited:
            # A reusable workflow's result depends on what its callers pass down.
            digest = sha256(f"{digest}\0{inherited!r}".encode("utf-8", "surrogatepass")).hexdigest()
        name = shown(cand)
        keys[i] = (name, digest, os.path.abspath(cand.path))
        hit = cache.lookup(name, digest)
        if hit is None:
            todo.append(i)
        else:
            results[i] = hit
    LAST.hits = len(candidates) - len(todo)
    LAST.misses = len(todo)
    fresh = lint([candidates[i] for i in todo])
    for i, res in zip(todo, fresh, strict=True):
        results[i] = res
        if i in keys:
            name, digest, own = keys[i]
            LAST.linted.append(name)
            if _cacheable(res):
                cache.store(name, digest, own, res)
        res.reads = ()
    cache.save()
    return [r for r in results if r is not None]
