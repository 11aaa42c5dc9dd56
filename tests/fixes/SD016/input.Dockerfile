FROM alpine:3.19
RUN apk add curl=8.5.0-r0   # tools
RUN apk update && apk add --virtual .build gcc
USER 1001
