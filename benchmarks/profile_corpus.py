#!/usr/bin/env python3
"""Where sentra-lint spends its time: a profile of one kind of the corpus, and of start-up.

    python benchmarks/profile_corpus.py dockerfiles        # cProfile of the engine on that kind
    python benchmarks/profile_corpus.py workflows --top 40
    python benchmarks/profile_corpus.py --imports Dockerfile-path   # import time of `check FILE`

The engine runs in this process with ``--jobs 1`` (a process pool would hide
the work in its workers). The report lists the functions with the most own
time, the most cumulative time, and the own time summed by package or
module, which is what tells a parser cost from a rule cost.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"


def group_of(filename: str) -> str:
    """A short owner for a code location: ``sentra_lint.rules.sd003...``, ``ruamel``, ``re``..."""
    if filename.startswith("<") or filename == "~":
        return "builtins"
    path = Path(filename)
    parts = path.parts
    if "sentra_lint" in parts:
        i = len(parts) - 1 - parts[::-1].index("sentra_lint")
        return ".".join(("sentra_lint", *parts[i + 1 :]))[: -len(".py")]
    if "site-packages" in parts:
        i = parts.index("site-packages")
        return parts[i + 1].split(".")[0] if i + 1 < len(parts) else filename
    return f"stdlib:{path.stem}"


def profile_kind(corpus: Path, kind: str, top: int, stride: int) -> None:
    from sentra_lint.engine import run
    from sentra_lint.settings import Settings

    files = sorted(f"{kind}/{p.name}" for p in (corpus / kind).iterdir() if p.is_file())[::stride]
    os.chdir(corpus)
    settings = Settings(jobs=1)
    prof = cProfile.Profile()
    prof.enable()
    result = run(files, settings)
    prof.disable()
    print(f"{len(files)} files, {len(result.findings)} findings, {len(result.errors)} internal errors")
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    by_group: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_group[group_of(filename)] += tottime
    print(f"\nown time by module ({total:.2f} s profiled):")
    for name, t in sorted(by_group.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {t:8.3f} s {100 * t / total:5.1f}%  {name}")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def profile_imports(target: Path, top: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sentra_lint", "check", "--format", "json",
         "--fail-on", "never", str(target)],
        capture_output=True,
        text=True,
    )
    by_top: dict[str, int] = defaultdict(int)
    rows = []
    for line in proc.stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if not m:
            continue
        self_us, cumulative_us, indent, name = int(m[1]), int(m[2]), m[3], m[4]
        by_top[name.split(".")[0]] += self_us
        rows.append((cumulative_us, len(indent), name))
    total = sum(by_top.values())
    print(f"imports for `check {target.name}`: {total / 1000:.1f} ms of own import time")
    for name, us in sorted(by_top.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {us / 1000:7.1f} ms  {name}")
    print("\nlargest cumulative imports:")
    for cumulative_us, _, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative_us / 1000:7.1f} ms  {name}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", nargs="?", choices=("dockerfiles", "workflows", "compose"))
    p.add_argument("--imports", type=Path, help="show the import time of `check FILE` instead")
    p.add_argument("--corpus", type=Path, default=Path(os.environ.get("SENTRA_CORPUS", DEFAULT_CORPUS)))
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--stride", type=int, default=1, help="profile every STRIDE-th file")
    args = p.parse_args()
    if args.imports:
        profile_imports(args.imports.resolve(), args.top)
        return 0
    if not args.kind:
        p.error("give a corpus kind or --imports FILE")
    profile_kind(args.corpus.resolve(), args.kind, args.top, args.stride)
    return 0


if __name__ == "__main__":
    sys.exit(main())
