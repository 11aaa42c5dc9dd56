FROM fedora:40
RUN dnf install -y git \
    && echo ok \
    && dnf clean all
RUN yum install -y make && yum clean all
USER 1001
