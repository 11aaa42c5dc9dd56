"""Time-bounded fuzzing of every parser and tokenizer.

Usage::

    python -m sentra_lint.fuzz --seconds 60 [--seed N] [--target NAME ...]
                               [--corpus DIR] [--save DIR] [--budget S]

Each *target* feeds one text to one parser or tokenizer (the Dockerfile
model with heredocs and the shell analysis of every ``RUN``, shell words and
quoting, YAML loading, the Docker flag grammar, size units, Actions
expressions and their taint, compose interpolation, dev container JSON with
comments) or to the whole engine for one kind of file with every rule on.
The invariant is the product's: *a result or an SE finding, within bounded
time, never an exception*. A target fails when it raises anything, when the
engine reports an internal error, or when one input takes longer than the
per-input budget.

Inputs are seeds (a few built-in snippets per target, plus the files of the
shared corpus when ``--corpus`` or ``../shared/corpus`` is found) put through
random mutations: inserted syntax tokens and control characters, deleted,
duplicated and repeated slices, deep bracket nesting, splices of two seeds,
changed line endings and a byte-order mark. The run is reproducible from its
seed. Failing and slow inputs are written to ``--save`` (when given) as
``<target>-<digest>.txt`` so they can become regression tests.

Exit status: 0 when every input held the invariant, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.budget import BudgetExceeded, time_budget
from sentra_lint.source import Kind, SourceFile


class InvariantBroken(Exception):
    """A target returned, but its result breaks the invariant (an internal error)."""


# ---------------------------------------------------------------------------
# Targets


def _dockerfile(text: str) -> None:
    from sentra_lint.dockerfile import parse_dockerfile, run_script

    df = parse_dockerfile(SourceFile("fuzz/Dockerfile", text, Kind.DOCKERFILE))
    for instr in df.instructions:
        if instr.keyword == "RUN":
            run_script(instr)


def _shell(text: str) -> None:
    from sentra_lint.shell import parse_fallback, parse_shell, split_words, unquote

    parse_shell(text)
    parse_fallback(text)
    split_words(text, operators=True)
    split_words(text, escape="`")
    unquote(text)


def _yaml(text: str) -> None:
    from sentra_lint.yamlmodel import load_yaml, walk

    doc = load_yaml(SourceFile("fuzz.yml", text, Kind.WORKFLOW))
    if doc.root is not None:
        for _ in walk(doc.root):
            pass


def _flags(text: str) -> None:
    from sentra_lint.container.flags import (
        match_docker_run,
        parse_options,
        parse_run_args,
        tokenize,
    )

    for shell_vars in (True, False):
        tokens = tokenize(text, shell_vars=shell_vars, comments=not shell_vars)
        parse_run_args(tokens.tokens)
        parse_options(tokens.tokens)
        match_docker_run(tokens.tokens)


def _sizes(text: str) -> None:
    from sentra_lint.container import sizes

    for value in (text, text.strip()):
        sizes.parse_bytes(value)
        sizes.parse_memory(value)
        sizes.parse_memory_swap(value)
        sizes.parse_pids_limit(value)
        sizes.parse_int(value)
        sizes.parse_cpus(value)
    n = sizes.parse_bytes(text)
    if n is not None and n >= 0:
        sizes.format_bytes(n)


def _expressions(text: str) -> None:
    from sentra_lint.workflow.expressions import (
        ExprError,
        context_paths,
        find_expressions,
        parse_expression,
    )
    from sentra_lint.workflow.taint import taint_of_template

    for found in find_expressions(text):
        del found
    for check in (True, False):
        expr = parse_expression(text, check_functions=check)
        if not isinstance(expr, ExprError):
            context_paths(expr)
    taint_of_template(text)


def _interpolation(text: str) -> None:
    from sentra_lint.compose import interpolate, parse_interpolation

    parse_interpolation(text)
    interpolate(text)


def _devcontainer(text: str) -> None:
    from sentra_lint.devcontainer import parse_devcontainer

    parse_devcontainer(SourceFile(".devcontainer/devcontainer.json", text, Kind.DEVCONTAINER))


_ENGINE: dict[Kind, Any] = {}


def lint_text(text: str, kind: Kind, path: str = "fuzz") -> Any:
    """Lint one text with every rule on (profile ``all``); raise if the engine reports an internal error."""
    from sentra_lint.engine import lint_source
    from sentra_lint.selection import select_rules
    from sentra_lint.settings import Settings

    if kind not in _ENGINE:
        settings = Settings(profile="all")
        _ENGINE[kind] = (select_rules(settings, [kind]), settings)
    active, settings = _ENGINE[kind]
    result = lint_source(SourceFile(path, text, kind), kind, active, settings)
    if result.errors:
        raise InvariantBroken("; ".join(f"{e.rule or 'parser'}: {e.message}" for e in result.errors))
    return result


def _lint(kind: Kind, path: str) -> Callable[[str], None]:
    def run(text: str) -> None:
        lint_text(text, kind, path)

    return run


_DOCKERFILE_SEEDS = (
    "FROM ubuntu:22.04 AS build\nARG V=1\nRUN apt-get update && apt-get install -y curl \\\n    && curl -fsSL https://x.sh | sh\n"
    "USER 1000\nCOPY --from=build --chown=1:1 /a /b\nHEALTHCHECK CMD [\"true\"]\n",
    "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows\nRUN powershell -c `\n  iwr x\n",
    "FROM python:3\nRUN <<EOF bash\nset -e\npip install flask\nEOF\nRUN <<-A cat > /x && <<\"B\" sh\n\tx\n\tA\ny\nB\n",
    'FROM a\nENV A=1 B="two words" C=${A:-x}\nRUN ["sh", "-c", "sudo pip install x"]\nCMD ["a"\n',
    "FROM scratch\nONBUILD RUN x\nSHELL [\"bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN --mount=type=secret,id=a wget -qO- x | bash\n",
)
_SHELL_SEEDS = (
    "curl -fsSL https://x | sudo -E bash -s -- --flag && pip install --no-cache-dir 'a==1' ; echo \"$(id -u)\"",
    "if [ -n \"${A:-}\" ]; then for x in a b; do echo $x | tee -a /f; done; fi 2>&1 >/dev/null",
    "sh -c 'docker run --privileged -v /:/h \"$IMG\"' && cat <<'E'\n$x\nE\n",
    "echo $'a\\tb' `uname` $((1+2)) ${#A} ${A//x/y} &> /dev/null & wait",
)
_YAML_SEEDS = (
    "on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          echo ${{ github.head_ref }}\n",
    "x: &a {b: [1, 2, *a]}\n<<: *a\n? complex\n: value\n--- !tag\n- 'q''q'\n- \"\\u0041\"\n- >-\n  folded\n",
    "%YAML 1.2\n---\nkey: !!python/object/apply:os.system ['true']\nother: !!binary aGk=\n...\n",
)
_FLAG_SEEDS = (
    "docker run --rm -it --privileged --cap-add=ALL --security-opt seccomp=unconfined -m 1g --memory-swap=-1 "
    "--pids-limit 100 -v /var/run/docker.sock:/var/run/docker.sock:ro --user=0:0 image:tag sh -c 'x'",
    "--cpus 1.5 --tmpfs /tmp:rw,size=64m,noexec --read-only --network host --device=/dev/kvm -e A=\"$B\"",
    "-itd -p80:80 --ulimit nofile=1024:2048 --mount type=bind,src=/,dst=/h ${{ matrix.opts }} `x`",
)
_SIZE_SEEDS = ("512m", "1.5GiB", "-1", "0", "1e3", "0x10", "100kb", " 2 g ", "1_000", "9" * 40, "1.", ".5", "inf")
_EXPRESSION_SEEDS = (
    "github.event.pull_request.title",
    "contains(fromJSON('[\"a\",\"b\"]'), github.head_ref) && !cancelled() || format('{0}', inputs.x)",
    "${{ github.event.issue.body }} and ${{ steps.a.outputs['b'] }} ${{ matrix.x[0] }}",
    "(1 <= 2.5e1) == (toJSON(github.event.commits.*.message) != 'x') ? 0x1F : -1",
)
_INTERPOLATION_SEEDS = ("${A:-${B:?err}}x$$y$C", "${A-}", "${A:+${B:-c}}", "$", "${", "${A:?}")
_DEVCONTAINER_SEEDS = (
    '// comment\n{\n  "image": "x",\n  /* block */ "runArgs": ["--privileged", "--cap-add=SYS_ADMIN",],\n'
    '  "mounts": ["source=/,target=/h,type=bind"], "containerEnv": {"A": "${localEnv:X}"}\n}\n',
    '{"build": {"dockerfile": "Dockerfile"}, "runArgs": ["-m", "1g"], "a": 1, "a": 2}',
)
_COMPOSE_SEEDS = (
    "services:\n  web:\n    image: nginx:${TAG:-latest}\n    privileged: true\n    cap_add: [ALL]\n"
    "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n    mem_limit: 1g\n"
    "    deploy:\n      resources:\n        limits: {memory: 512M, cpus: '0.5', pids: 100}\n"
    "  db:\n    extends: {service: web}\n    <<: *missing\n",
    "x-base: &b\n  read_only: true\n  security_opt: [no-new-privileges:true]\nservices:\n  a:\n    <<: *b\n    image: a\n",
    # Shapes Compose and GitHub accept (flow colons, explicit keys, merge lists,
    # tabs after a colon, several documents) and a template.
    "x-a: &a {cpus: 1}\nx-b: &b {ports: [8080:80, ? k : v]}\nservices:\n  s:\n    <<: [*a, *b]\n"
    "    environment: {A:\t1, yes: no}\n---\nc: &a 2\nd: *a\n",
    "services:\n  app:\n    image: \"{{ image }}\"\n{% if debug %}\n    privileged: true\n{% endif %}\n",
)


@dataclass(frozen=True, slots=True)
class Target:
    """A function to fuzz, with its seed inputs."""

    name: str
    run: Callable[[str], None]
    seeds: tuple[str, ...]
    corpus: tuple[str, ...] = ()
    """Subdirectories of the shared corpus whose files are seeds too."""


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("dockerfile", _dockerfile, _DOCKERFILE_SEEDS, ("dockerfiles",)),
        Target("shell", _shell, _SHELL_SEEDS),
        Target("yaml", _yaml, _YAML_SEEDS + _COMPOSE_SEEDS, ("workflows", "compose")),
        Target("flags", _flags, _FLAG_SEEDS),
        Target("sizes", _sizes, _SIZE_SEEDS),
        Target("expressions", _expressions, _EXPRESSION_SEEDS),
        Target("interpolation", _interpolation, _INTERPOLATION_SEEDS),
        Target("devcontainer", _devcontainer, _DEVCONTAINER_SEEDS),
        Target("lint-dockerfile", _lint(Kind.DOCKERFILE, "Dockerfile"), _DOCKERFILE_SEEDS, ("dockerfiles",)),
        Target("lint-workflow", _lint(Kind.WORKFLOW, ".github/workflows/fuzz.yml"), _YAML_SEEDS, ("workflows",)),
        Target("lint-compose", _lint(Kind.COMPOSE, "compose.yml"), _COMPOSE_SEEDS, ("compose",)),
        Target("lint-devcontainer", _lint(Kind.DEVCONTAINER, ".devcontainer.json"), _DEVCONTAINER_SEEDS),
    )
}


# ---------------------------------------------------------------------------
# Mutations

TOKENS: tuple[str, ...] = (
    "\x00", "\r", "\r\n", "\t", "\x0b", "\x0c", "\x1b[2J", "\u2028", "\ufeff", "\u202e", "\U0001f600", "é",
    "\\", "\\\n", "`", "'", '"', "$", "$(", "${", "}", "{", "[", "]", "(", ")", "<<EOF\n", "\nEOF\n", "<<-'X'\n",
    "|", "||", "&&", ";", "&", ">", "2>&1", "#", "# escape=`\n", "# syntax=x\n", "\n", " ", "-", "--", "=",
    ":", ": ", "- ", "? ", "&a ", "*a", "<<: ", "!!python/object/apply:os.system ", "!!binary ", "!tag ",
    "---\n", "...\n", "%YAML 1.1\n", "|-\n", ">+\n", "${{ ", " }}", "github.event.issue.title", "fromJSON(",
    "'", "0x", "1e400", "-1", "9999999999999999999999", "NaN", "--privileged", "--memory=", "-m", "--cap-add",
    "-v", "/:/h", "docker run ", "sh -c ", "RUN ", "FROM ", "USER ", "ARG ", "ENV ", "COPY --from=", "ONBUILD ",
    "//", "/*", "*/", ",", "null", "true", "\"runArgs\": [", "services:", "jobs:", "steps:", "run: ",
)


def mutate(rng: random.Random, text: str, others: Sequence[str] = ()) -> str:
    """One random structural or character-level change of ``text``."""
    n = len(text)
    op = rng.randrange(12)
    i = rng.randint(0, n)
    j = rng.randint(i, min(n, i + rng.choice((1, 8, 64, 512))))
    if op <= 2:
        return text[:i] + rng.choice(TOKENS) + text[i:]
    if op == 3:
        return text[:i] + text[j:]
    if op == 4:
        return text[:i] + text[i:j] * rng.choice((2, 3, 50, 1000)) + text[j:]
    if op == 5:
        depth = rng.choice((10, 200, 3000))
        opener, closer = rng.choice((("[", "]"), ("{", "}"), ("(", ")"), ("$(", ")"), ("${A:-", "}"), ("- ", "")))
        return text[:i] + opener * depth + text[i:j] + closer * depth + text[j:]
    if op == 6 and others:
        other = rng.choice(others)
        k = rng.randint(0, len(other))
        return text[:i] + other[k : k + rng.randint(1, 400)] + text[j:]
    if op == 7:
        return text.replace("\n", rng.choice(("\r\n", "\r", "\n\n", "\\\n")))
    if op == 8:
        return "\ufeff" + text
    if op == 9:
        return text[: rng.randint(0, n)]
    if op == 10:
        char = chr(rng.randrange(0x110000) if rng.random() < 0.3 else rng.randrange(0x80))
        return text[:i] + char + text[j:]
    # swap two slices
    k = rng.randint(j, n)
    return text[:i] + text[j:k] + text[i:j] + text[k:]


def _no_surrogates(text: str) -> str:
    """Decoded files never hold lone surrogates; keep fuzz inputs to what a read can produce."""
    return text.encode("utf-8", "replace").decode("utf-8")


# ---------------------------------------------------------------------------
# Running


@dataclass(slots=True)
class Failure:
    """An input that made a target fail, slow down or crash."""

    target: str
    kind: str
    """``exception``, ``internal-error`` or ``slow``."""
    summary: str
    text: str
    detail: str = ""


@dataclass(slots=True)
class Report:
    """What a fuzzing session ran and found."""

    seconds: float = 0.0
    executions: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def unique(self) -> list[Failure]:
        """One failure per (target, kind, summary)."""
        seen: dict[tuple[str, str, str], Failure] = {}
        for f in self.failures:
            seen.setdefault((f.target, f.kind, f.summary), f)
        return list(seen.values())


def _where(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    frame = tb[-1] if tb else None
    return f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}" if frame else type(exc).__name__


def check_one(target: Target, text: str, budget: float) -> Failure | None:
    """Run one input through one target; a :class:`Failure` when the invariant breaks."""
    try:
        with time_budget(budget):
            target.run(text)
    except BudgetExceeded:
        return Failure(target.name, "slow", f"took longer than {budget:g} s", text)
    except InvariantBroken as exc:
        return Failure(target.name, "internal-error", str(exc).split(" (", 1)[0][:200], text, str(exc))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        return Failure(target.name, "exception", _where(exc), text, "".join(traceback.format_exception(exc)))
    return None


def find_corpus(explicit: str | None = None) -> Path | None:
    """``--corpus``, ``$SENTRA_FUZZ_CORPUS``, or a ``shared/corpus`` next to the current or a parent directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SENTRA_FUZZ_CORPUS")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for base in (here, *here.parents):
        for candidate in (base / "shared" / "corpus", base / ".." / "shared" / "corpus"):
            if candidate.is_dir():
                return candidate.resolve()
    return None


def corpus_files(root: Path | None, subdirs: Sequence[str], limit: int = 400, rng: random.Random | None = None) -> list[str]:
    """Up to ``limit`` texts from the corpus subdirectories (a deterministic sample with ``rng``)."""
    if root is None:
        return []
    paths: list[Path] = []
    for sub in subdirs:
        d = root / sub
        if d.is_dir():
            paths.extend(sorted(p for p in d.iterdir() if p.is_file()))
    if rng is not None and len(paths) > limit:
        paths = rng.sample(paths, limit)
    texts: list[str] = []
    for p in paths[:limit]:
        try:
            texts.append(p.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n"))
        except OSError:
            continue
    return texts


def inputs(rng: random.Random, seeds: Sequence[str]) -> Iterator[str]:
    """An endless stream: each seed once, then mutants with one to four mutations."""
    yield from seeds
    while True:
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 4)):
            text = mutate(rng, text, seeds)
        yield _no_surrogates(text)


def fuzz(
    seconds: float,
    *,
    seed: int = 0,
    targets: Sequence[str] | None = None,
    corpus: Path | None = None,
    budget: float = 10.0,
    save: Path | None = None,
    max_input: int = 1 << 20,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Fuzz the chosen targets round-robin for about ``seconds``."""
    chosen = [TARGETS[name] for name in (targets or TARGETS)]
    streams: dict[str, Iterator[str]] = {}
    for t in chosen:
        seeds = list(t.seeds) + corpus_files(corpus, t.corpus, rng=random.Random(f"{seed}:{t.name}"))
        streams[t.name] = inputs(random.Random(f"{seed}:{t.name}:mutate"), seeds)
    report = Report(executions={t.name: 0 for t in chosen})
    start = time.monotonic()
    deadline = start + seconds
    while time.monotonic() < deadline:
        for t in chosen:
            text = next(streams[t.name])[:max_input]
            failure = check_one(t, text, budget)
            report.executions[t.name] += 1
            if failure is not None:
                report.failures.append(failure)
                if log:
                    log(f"{failure.target}: {failure.kind}: {failure.summary}")
                if save is not None:
                    save.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
                    (save / f"{t.name}-{digest}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
            if time.monotonic() >= deadline:
                break
    report.seconds = time.monotonic() - start
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sentra_lint.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="only this target (repeatable)")
    parser.add_argument("--corpus", default=None, help="seed directory (default: ../shared/corpus when found)")
    parser.add_argument("--no-corpus", action="store_true", help="use only the built-in seeds")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds one input may take (default 10)")
    parser.add_argument("--save", default=None, help="write failing and slow inputs to this directory")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    corpus = None if args.no_corpus else find_corpus(args.corpus)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    print(f"fuzzing for {args.seconds:g} s, seed {seed}, corpus {corpus or 'none'}", flush=True)
    report = fuzz(
        args.seconds,
        seed=seed,
        targets=args.target,
        corpus=corpus,
        budget=args.budget,
        save=Path(args.save) if args.save else None,
        log=lambda line: print(line, flush=True),
    )
    total = sum(report.executions.values())
    print(f"\n{total} inputs in {report.seconds:.1f} s")
    for name, count in report.executions.items():
        print(f"  {name:<18} {count}")
    unique = report.unique()
    if not unique:
        print("no failures")
        return 0
    print(f"\n{len(unique)} distinct failure(s) ({len(report.failures)} inputs):")
    for f in unique:
        print(f"- {f.target}: {f.kind}: {f.summary} (input of {len(f.text)} characters)")
        if f.detail:
            print("  " + f.detail.strip().replace("\n", "\n  ")[-1500:])
    return 1


if __name__ == "__main__":
    sys.exit(main())
