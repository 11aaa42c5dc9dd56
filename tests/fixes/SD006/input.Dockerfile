FROM debian:12
# one line
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get update \
    && apt-get install -y --no-install-recommends git
RUN apt-get update && \
    apt-get install -y --no-install-recommends make
USER 1001
