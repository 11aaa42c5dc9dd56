FROM fedora:40
RUN dnf install -y git \
    && echo ok
RUN yum install -y make
USER 1001
