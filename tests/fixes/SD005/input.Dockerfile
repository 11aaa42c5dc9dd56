# syntax=docker/dockerfile:1
FROM debian:12
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
    && apt install -y \
       git make \
    && rm -rf /var/lib/apt/lists/*
USER 1001
