"""Applying fixes: choose, apply, verify, show as a diff, write back.

Rules attach :class:`~sentra_lint.findings.Fix` values to their findings:
edits on the newline-normalised text of the file. This module, called by
``check --fix`` / ``--diff`` after linting, turns them into new file
contents:

* Only fixes of unsuppressed findings are applied, the first fix of each
  finding whose disposition is allowed (``safe``; ``unsafe`` too with
  ``--fix=unsafe``).
* Fixes are taken in rule-id order. An edit that another fix already
  makes (the same offsets and text) is applied once. Insertions at the same
  offset are applied one after the other in that order. A fix with an edit
  that overlaps an edit already taken waits for the next pass.
* Edits are applied from the end of the file backwards; the result is
  linted again in memory. A pass that would add a parse error (SE001) is
  retried fix by fix, and a fix that breaks the file is dropped and
  reported. Passes repeat (at most :data:`MAX_PASSES`) until no fix is
  left, so fixes that depend on each other (a swap limit equal to the
  memory limit another fix adds) all land, and a second run has nothing to
  do.
* Writing keeps the file's bytes outside the edits: the edits are mapped
  back onto the original text, so CRLF (or mixed) line endings, a BOM and
  UTF-16 survive; inserted line breaks take the file's own style. The file
  is written only if it still has the content that was linted (SHA-256),
  through a temporary file in the same directory that replaces it
  atomically, with the original permissions.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import difflib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path

from sentra_lint._dataclass import dataclass
from sentra_lint.engine import lint_source
from sentra_lint.findings import Edit, Finding, Fix
from sentra_lint.selection import ActiveRules, select_rules
from sentra_lint.settings import Settings
from sentra_lint.source import Kind, SourceFile, normalise_newlines

MAX_PASSES = 10


@dataclass(slots=True)
class FileFix:
    """What fixing one file did (or would do)."""

    path: str
    original: str
    """The newline-normalised text that was linted."""
    fixed: str
    applied: list[tuple[str, str]] = field(default_factory=list)
    """``(rule, description)`` of every fix applied, in order."""
    dropped: list[tuple[str, str, str]] = field(default_factory=list)
    """``(rule, description, reason)`` of fixes left out."""
    written: bool = False
    skipped: str | None = None
    """Why the file was not written, when it was not."""

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


@dataclass(frozen=True, slots=True)
class Encoded:
    """A file's bytes split into what the linter reads and how to write it back."""

    raw: str
    """The decoded text, line endings as in the file, without the BOM."""
    bom: bytes
    codec: str

    @classmethod
    def decode(cls, data: bytes) -> Encoded:
        if data.startswith(codecs.BOM_UTF8):
            return cls(data[3:].decode("utf-8"), codecs.BOM_UTF8, "utf-8")
        if data.startswith(codecs.BOM_UTF16_LE):
            return cls(data[2:].decode("utf-16-le"), codecs.BOM_UTF16_LE, "utf-16-le")
        if data.startswith(codecs.BOM_UTF16_BE):
            return cls(data[2:].decode("utf-16-be"), codecs.BOM_UTF16_BE, "utf-16-be")
        return cls(data.decode("utf-8"), b"", "utf-8")

    def encode(self, raw: str) -> bytes:
        return self.bom + raw.encode(self.codec, "surrogatepass")


# ---------------------------------------------------------------------------
# Choosing and applying edits


def _overlaps(a: Edit, b: Edit) -> bool:
    """Whether two different edits touch the same text (insertions at one point do not)."""
    if a.start == a.end and b.start == b.end:
        return False
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def choose(
    fixes: Iterable[tuple[str, Fix]],
) -> tuple[list[tuple[str, Fix]], list[Edit], list[tuple[str, Fix]]]:
    """``(taken, edits, deferred)``: the fixes to apply now, their distinct edits in order, the rest.

    ``fixes`` are ``(rule, fix)`` pairs; they are taken in rule-id order
    (then by position), which makes the result independent of the order
    the findings came in.
    """
    ordered = sorted(
        fixes,
        key=lambda rf: (rf[0], min((e.start for e in rf[1].edits), default=0), rf[1].description),
    )
    taken: list[tuple[str, Fix]] = []
    edits: list[Edit] = []
    seen: set[Edit] = set()
    deferred: list[tuple[str, Fix]] = []
    for rule, fix in ordered:
        new = [e for e in fix.edits if e not in seen]
        if any(_overlaps(e, other) for e in new for other in edits):
            deferred.append((rule, fix))
            continue
        if any(_overlaps(a, b) for i, a in enumerate(new) for b in new[i + 1 :]):
            deferred.append((rule, fix))
            continue
        taken.append((rule, fix))
        for e in new:
            seen.add(e)
            edits.append(e)
    return taken, edits, deferred


def apply_edits(text: str, edits: Iterable[Edit], newline: str = "\n") -> str:
    """Apply non-overlapping edits, from the end of the text backwards.

    Insertions at the same offset end up in the order given; an insertion
    at the start of a replaced range comes before the replacement.
    ``newline`` replaces the line breaks of inserted text.
    """
    indexed = list(enumerate(edits))
    indexed.sort(key=lambda ie: (ie[1].start, ie[1].end > ie[1].start, ie[0]), reverse=True)
    out = text
    for _, e in indexed:
        replacement = e.replacement if newline == "\n" else e.replacement.replace("\n", newline)
        out = out[: e.start] + replacement + out[e.end :]
    return out


class RawMap:
    """Offsets in the newline-normalised text -> offsets in the text as written."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        # Normalised offsets of the line breaks that were CRLF (two characters in ``raw``).
        self._crlf: list[int] = []
        i = raw.find("\r\n")
        removed = 0
        while i != -1:
            self._crlf.append(i - removed)
            removed += 1
            i = raw.find("\r\n", i + 2)
        crlf = len(self._crlf)
        lf = raw.count("\n") - crlf
        self.newline = (
            "\r\n" if crlf > lf else ("\r" if lf == 0 and crlf == 0 and "\r" in raw else "\n")
        )

    def offset(self, pos: int) -> int:
        return pos + bisect.bisect_left(self._crlf, pos)

    def edit(self, e: Edit) -> Edit:
        return Edit(self.offset(e.start), self.offset(e.end), e.replacement)


# ---------------------------------------------------------------------------
# Fixing one file in memory


def _eligible(findings: Iterable[Finding], path: str, unsafe: bool) -> list[tuple[str, Fix]]:
    out: list[tuple[str, Fix]] = []
    for f in findings:
        if f.suppressed or f.path != path or not f.fixes:
            continue
        fix = next((fx for fx in f.fixes if fx.safe or unsafe), None)
        if fix is not None and fix.edits:
            out.append((f.rule, fix))
    return out


def _parse_errors(text: str, path: str, kind: Kind) -> int:
    """How many parse problems (SE001) the text has, whichever rules are selected."""
    from sentra_lint.analysis import analyse

    try:
        return len(analyse(SourceFile(path=path, text=text, kind=kind), kind).problems)
    except Exception:  # a parser that fails: the text does not parse
        return 1 << 30


def _lint(
    text: str, path: str, kind: Kind, active: ActiveRules, settings: Settings
) -> list[Finding]:
    return lint_source(SourceFile(path=path, text=text, kind=kind), kind, active, settings).findings


_BREAKS = "the fixed file would not parse"


def fix_text(
    text: str,
    path: str,
    kind: Kind,
    active: ActiveRules,
    settings: Settings,
    *,
    unsafe: bool = False,
) -> FileFix:
    """Apply every eligible fix to ``text`` (normalised), pass after pass, verifying each pass."""
    result = FileFix(path, text, text)
    findings = _lint(text, path, kind, active, settings)
    errors = _parse_errors(text, path, kind)
    bad: set[tuple[str, Fix]] = set()
    current = text
    for _ in range(MAX_PASSES):
        candidates = [rf for rf in _eligible(findings, path, unsafe) if rf not in bad]
        taken, edits, _deferred = choose(candidates)
        if not taken:
            break
        attempt = apply_edits(current, edits)
        if _parse_errors(attempt, path, kind) > errors:
            # Find the fixes that break the file, one at a time; keep the others.
            kept: list[tuple[str, Fix]] = []
            for rf in taken:
                if _parse_errors(apply_edits(current, rf[1].edits), path, kind) > errors:
                    bad.add(rf)
                    result.dropped.append((rf[0], rf[1].description, _BREAKS))
                else:
                    kept.append(rf)
            taken, edits, _deferred = choose(kept)
            if not taken:
                continue
            attempt = apply_edits(current, edits)
            if _parse_errors(attempt, path, kind) > errors:
                for rf in taken:
                    bad.add(rf)
                    result.dropped.append((rf[0], rf[1].description, _BREAKS))
                continue
        if attempt == current:
            break
        result.applied.extend((rule, fx.description) for rule, fx in taken)
        current = attempt
        findings = _lint(current, path, kind, active, settings)
    result.fixed = current
    return result


# ---------------------------------------------------------------------------
# Files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_fixed(enc: Encoded, original: str, fixed: str) -> str:
    """The fixed text with the file's own line endings, bytes outside the edits unchanged."""
    if enc.raw == original:
        return fixed
    # Recover the edits as one replacement per differing region, and map them onto the raw text.
    rmap = RawMap(enc.raw)
    matcher = difflib.SequenceMatcher(None, original, fixed, autojunk=False)
    edits = [
        Edit(i1, i2, fixed[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
    return apply_edits(enc.raw, [rmap.edit(e) for e in edits], rmap.newline)


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permission bits."""
    directory = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".sentra-fix", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fix_file(
    path: Path,
    display: str,
    kind: Kind,
    active: ActiveRules,
    settings: Settings,
    *,
    unsafe: bool = False,
    write: bool = True,
) -> FileFix | None:
    """Fix one file on disk; ``None`` when it cannot be read as text."""
    try:
        data = path.read_bytes()
        enc = Encoded.decode(data)
    except (OSError, UnicodeDecodeError):
        return None
    digest = _sha256(data)
    text = normalise_newlines(enc.raw)
    result = fix_text(text, display, kind, active, settings, unsafe=unsafe)
    if not result.changed or not write:
        return result
    new_bytes = enc.encode(raw_fixed(enc, text, result.fixed))
    try:
        st = os.stat(path)
        if _sha256(path.read_bytes()) != digest:
            result.skipped = "the file changed on disk while it was being fixed; not written"
            return result
        write_atomic(path, new_bytes, st.st_mode)
    except OSError as exc:
        result.skipped = f"cannot write: {exc.strerror or exc}"
        return result
    result.written = True
    return result


def unified_diff(fx: FileFix) -> str:
    """A unified diff of one file's fixes (``a/`` and ``b/`` paths, as ``git diff`` shows)."""
    lines = difflib.unified_diff(
        fx.original.splitlines(keepends=True),
        fx.fixed.splitlines(keepends=True),
        fromfile=f"a/{fx.path}",
        tofile=f"b/{fx.path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def fix_paths(
    paths: list[str],
    settings: Settings,
    files_with_fixes: Iterable[str],
    *,
    unsafe: bool = False,
    write: bool = True,
) -> list[FileFix]:
    """Fix every file among ``paths`` whose findings carry fixes (display paths in ``files_with_fixes``)."""
    from sentra_lint import io as sio
    from sentra_lint.discover import discover

    wanted = set(files_with_fixes)
    if not wanted:
        return []
    cwd = os.getcwd()
    candidates = [
        c
        for c in discover(paths, settings.kind)
        if c.kind is not None and str(c.path) != "-" and sio.display_path(c.path, cwd) in wanted
    ]
    active = select_rules(
        settings, sorted({c.kind for c in candidates if c.kind}, key=lambda k: k.value)
    )
    out: list[FileFix] = []
    for cand in candidates:
        assert cand.kind is not None
        display = sio.display_path(cand.path, cwd)
        res = fix_file(
            Path(cand.path), display, cand.kind, active, settings, unsafe=unsafe, write=write
        )
        if res is not None:
            out.append(res)
    return out
