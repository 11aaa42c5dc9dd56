"""Generate large, realistic inputs for the growth curve of ``run.py``.

Each generator takes a scale factor and returns the text of one file:

- ``workflow(scale)``: a GitHub Actions workflow of about ``50_000 * scale``
  bytes (x100 is a 5 MB workflow), made of jobs with containers, services,
  ``run:`` scripts with ``${{ }}`` expressions and pinned and unpinned actions;
- ``dockerfile(scale)``: a multi-stage Dockerfile with exactly ``50 * scale``
  instructions (x100 is 5,000), with continuation lines and heredocs;
- ``compose(scale)``: a Compose file with exactly ``20 * scale`` services
  (x100 is 2,000), each with the keys the container rules read.

``monorepo(directory, files, corpus)`` lays out a synthetic monorepo of
``files`` real files of mixed kinds, taken round-robin from the corpus
(Dockerfiles, workflows and Compose files in the corpus's own proportions),
50 files per service folder, each service with its own
``.github/workflows`` folder, so a directory walk classifies every file.

The output is deterministic (no randomness), so two runs time the same bytes.
Run ``python benchmarks/generate.py DIR`` to write the x1, x10 and x100 files
to DIR for profiling by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

WORKFLOW_UNIT_BYTES = 50_000
DOCKERFILE_UNIT_INSTRUCTIONS = 50
COMPOSE_UNIT_SERVICES = 20
SCALES = (1, 10, 100)

_WORKFLOW_HEAD = """\
name: generated
on:
  push:
    branches: [main]
  pull_request:
    types: [opened, synchronize]
permissions:
  contents: read
env:
  GLOBAL_FLAG: "1"
jobs:
"""

# Most jobs are written the careful way (pinned actions, a timeout, no
# expression inside a script), as most jobs in real workflows are; every
# twentieth job adds a container with risky options, a service, an unpinned
# action and an untrusted expression in a script. The finding density is
# then of the order of the corpus's (about one finding per kilobyte).
_WORKFLOW_JOB = """\
  build-{i}:
    name: Build {i} on ${{{{ matrix.os }}}}
    runs-on: ${{{{ matrix.os }}}}
    timeout-minutes: {timeout}
    permissions:
      contents: read
    strategy:
      matrix:
        os: [ubuntu-latest, ubuntu-24.04]
        node: [18, 20, 22]
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a # v4.2.0
        with:
          node-version: ${{{{ matrix.node }}}}
          cache: npm
      - name: Install {i}
        run: |
          npm ci --ignore-scripts
          npm run build --workspace packages/pkg-{i}
          echo "built=pkg-{i}" >> "$GITHUB_OUTPUT"
      - name: Test {i}
        env:
          SHARD: "{i}"
          REF_NAME: ${{{{ github.ref_name }}}}
        run: |
          npm test -- --shard="$SHARD" --reporter=dot
          echo "tested $REF_NAME"
"""

_WORKFLOW_RISKY = """\
    container:
      image: node:20.{minor}-bookworm
      options: --cpus 2 --memory 4g --cap-add SYS_ADMIN --user root
    services:
      db{i}:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
          --privileged
"""

_WORKFLOW_RISKY_STEPS = """\
      - uses: actions/cache@v4
        with:
          path: ~/.npm
          key: npm-${{{{ hashFiles('**/package-lock.json') }}}}
      - name: Report {i}
        run: |
          echo "title=${{{{ github.event.pull_request.title }}}}" >> "$GITHUB_ENV"
          curl -fsSL https://example.com/install-{i}.sh | bash
          docker run --rm --privileged -v /var/run/docker.sock:/var/run/docker.sock alpine:3.20 true
"""


def _job(i: int) -> str:
    job = _WORKFLOW_JOB.format(i=i, timeout=10 + i % 50)
    if i % 20 != 19:
        return job
    head, steps = job.split("    steps:\n", 1)
    risky = _WORKFLOW_RISKY.format(i=i, minor=i % 18)
    return head + risky + "    steps:\n" + steps + _WORKFLOW_RISKY_STEPS.format(i=i)


def workflow(scale: int) -> str:
    """A workflow of at most ``50_000 * scale`` bytes, as close to it as whole jobs allow."""
    limit = WORKFLOW_UNIT_BYTES * scale
    parts = [_WORKFLOW_HEAD]
    size = len(_WORKFLOW_HEAD)
    i = 0
    while True:
        job = _job(i)
        if size + len(job) > limit:
            break
        parts.append(job)
        size += len(job)
        i += 1
    return "".join(parts)


# One block of instructions; each entry is one instruction (it may span lines).
_DOCKERFILE_BLOCK = (
    "ARG VERSION_{i}=1.{i}",
    "ENV APP_HOME_{i}=/opt/app{i} \\\n    PATH=/opt/app{i}/bin:$PATH",
    "RUN apt-get update && apt-get install -y curl ca-certificates git \\\n"
    "    && rm -rf /var/lib/apt/lists/*",
    "RUN pip install requests==2.32.{m} flask",
    "COPY --chown=1000:1000 src{i}/ /opt/app{i}/",
    "WORKDIR /opt/app{i}",
    "RUN <<EOF\nset -eux\nuseradd -m user{i}\npip install --no-cache-dir gunicorn\nchmod 755 /opt/app{i}\nEOF",
    "RUN curl -fsSL https://example.com/setup-{i}.sh | sh",
    "USER user{i}",
    "EXPOSE {port}",
    "LABEL org.example.block=\"{i}\"",
    "HEALTHCHECK CMD curl -f http://localhost:{port}/ || exit 1",
)


def dockerfile(scale: int) -> str:
    """A Dockerfile with exactly ``50 * scale`` instructions; a new stage every 50."""
    total = DOCKERFILE_UNIT_INSTRUCTIONS * scale
    lines = ["# syntax=docker/dockerfile:1"]
    count = 0
    i = 0
    while count < total:
        if count % DOCKERFILE_UNIT_INSTRUCTIONS == 0:
            stage = count // DOCKERFILE_UNIT_INSTRUCTIONS
            base = "python:3.12-slim" if stage % 2 == 0 else f"stage{stage - 1}"
            lines.append(f"FROM {base} AS stage{stage}")
            count += 1
            continue
        template = _DOCKERFILE_BLOCK[i % len(_DOCKERFILE_BLOCK)]
        lines.append(template.format(i=i, m=i % 10, port=8000 + i % 1000))
        count += 1
        i += 1
    return "\n".join(lines) + "\n"


_COMPOSE_SERVICE = """\
  svc{i}:
    image: registry.example.com/team/app{i}:1.{m}
    container_name: svc{i}
    privileged: {privileged}
    cap_add: [NET_ADMIN]
    security_opt:
      - no-new-privileges:true
    read_only: true
    user: "1000:1000"
    ports:
      - "{port}:8080"
    volumes:
      - ./data/svc{i}:/data
      - {mount}:/host
    environment:
      DB_PASSWORD: hunter{i}
      LOG_LEVEL: info
    mem_limit: 512m
    pids_limit: 100
    tmpfs:
      - /tmp:size=64m
    depends_on: [{dep}]
    command: ["sh", "-c", "exec app --port 8080 --id {i}"]
"""


def compose(scale: int) -> str:
    """A Compose file with exactly ``20 * scale`` services."""
    total = COMPOSE_UNIT_SERVICES * scale
    parts = ["name: generated\nservices:\n"]
    for i in range(total):
        parts.append(
            _COMPOSE_SERVICE.format(
                i=i,
                m=i % 10,
                privileged="true" if i % 7 == 0 else "false",
                port=10000 + i,
                mount="/var/run/docker.sock" if i % 10 == 0 else f"./shared{i % 5}",
                dep=f"svc{i - 1}" if i else "svc1",
            )
        )
    return "".join(parts)


# kind -> (generator, unit name, units per x1, file name for a scale)
GENERATORS = {
    "workflow": (workflow, "bytes", WORKFLOW_UNIT_BYTES, "workflow-x{scale}.yml"),
    "dockerfile": (dockerfile, "instructions", DOCKERFILE_UNIT_INSTRUCTIONS, "Dockerfile.x{scale}"),
    "compose": (compose, "services", COMPOSE_UNIT_SERVICES, "compose.x{scale}.yml"),
}


def write_all(directory: Path, scales: tuple[int, ...] = SCALES) -> dict[tuple[str, int], Path]:
    """Write every kind at every scale into ``directory``; return the paths by (kind, scale)."""
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[tuple[str, int], Path] = {}
    for kind, (gen, _, _, pattern) in GENERATORS.items():
        for scale in scales:
            path = directory / pattern.format(scale=scale)
            path.write_text(gen(scale), encoding="utf-8", newline="\n")
            out[(kind, scale)] = path
    return out


# corpus sub-folder -> the name a file of that kind gets in the monorepo
_MONOREPO_NAMES = {
    "dockerfiles": "Dockerfile.{i}",
    "workflows": ".github/workflows/w{i}.yml",
    "compose": "compose.{i}.yml",
}
MONOREPO_FOLDER_FILES = 50


def corpus_texts(corpus: Path) -> list[tuple[str, bytes]]:
    """Every corpus file of the kinds a monorepo holds, interleaved by kind, as (name pattern, bytes)."""
    by_kind = [
        [(_MONOREPO_NAMES[sub], p.read_bytes()) for p in sorted((corpus / sub).iterdir()) if p.is_file()]
        for sub in _MONOREPO_NAMES
    ]
    total = sum(len(k) for k in by_kind)
    # Interleave so any prefix of the list has the corpus's mix of kinds.
    keyed = [(n / len(items), k, item) for k, items in enumerate(by_kind) for n, item in enumerate(items)]
    keyed.sort(key=lambda t: (t[0], t[1]))
    assert len(keyed) == total
    return [item for _, _, item in keyed]


def monorepo(directory: Path, files: int, texts: list[tuple[str, bytes]]) -> Path:
    """Write a monorepo of ``files`` files under ``directory``/repo-N and return its root."""
    root = directory / f"repo-{files}"
    made: set[Path] = set()
    for i in range(files):
        pattern, data = texts[i % len(texts)]
        path = root / f"svc{i // MONOREPO_FOLDER_FILES}" / pattern.format(i=i)
        parent = path.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        with open(path, "wb") as fh:
            fh.write(data)
    return root


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/generate.py DIR")
    for (kind, scale), path in write_all(Path(sys.argv[1])).items():
        print(f"{kind:<10} x{scale:<4} {path.stat().st_size:>10,} bytes  {path}")
