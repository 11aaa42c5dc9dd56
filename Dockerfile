# syntax=docker/dockerfile:1
# The sentra-lint container image: `docker run ... ghcr.io/sentra-lint/sentra-lint check .`
# with the repository mounted read-only at /src (see the README for the hardened
# command line). The release workflow passes the wheel it built and published as
# SENTRA_LINT_WHEEL, so the image holds the same file as PyPI; without it the
# wheel is built from this checkout.
#
# The base is pinned by digest; Dependabot (docker ecosystem) keeps it current.

FROM python:3.13.9-slim-bookworm@sha256:b685a4fa58bb19d1814d78a1ec0f0208f351452724f78b20212c984d6e124a34 AS wheel
ARG SENTRA_LINT_WHEEL=""
WORKDIR /build
COPY . .
RUN mkdir /wheels \
    && if [ -n "$SENTRA_LINT_WHEEL" ]; then \
        cp "$SENTRA_LINT_WHEEL" /wheels/; \
    else \
        python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .; \
    fi

FROM python:3.13.9-slim-bookworm@sha256:b685a4fa58bb19d1814d78a1ec0f0208f351452724f78b20212c984d6e124a34
LABEL org.opencontainers.image.title="sentra-lint" \
      org.opencontainers.image.description="Linter for Dockerfiles, GitHub Actions workflows and Compose files: container launch hardening first." \
      org.opencontainers.image.source="https://github.com/sentra-lint/sentra-lint" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Installed system-wide, as root, before the user exists: the dependencies from
# the hash-locked requirements, then sentra-lint itself without dependencies.
# Nothing is left behind: no pip cache, no copy of the lock file or the wheel.
RUN --mount=type=bind,source=requirements/release.txt,target=/tmp/release.txt \
    --mount=type=bind,from=wheel,source=/wheels,target=/tmp/wheels \
    python -m pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/release.txt \
    && python -m pip install --no-cache-dir --no-deps /tmp/wheels/*.whl \
    && python -m pip check

RUN groupadd --system --gid 10001 sentra \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin sentra

USER 10001:10001
WORKDIR /src
# A command-line tool that runs and exits: there is no service to probe.
HEALTHCHECK NONE
ENTRYPOINT ["sentra-lint"]
CMD ["check", "."]
