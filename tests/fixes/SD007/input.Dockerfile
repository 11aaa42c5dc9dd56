FROM python:3.12-slim
RUN pip install requests==2.32.3
RUN python3 -m pip install --upgrade "pip>=24" && \
    uv pip install --system flask==3.0.3
USER 1001
