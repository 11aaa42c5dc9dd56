FROM alpine:3.19
RUN apk add --no-cache curl=8.5.0-r0   # tools
RUN apk update && apk add --no-cache --virtual .build gcc
USER 1001
