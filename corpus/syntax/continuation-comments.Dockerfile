FROM alpine
RUN apk add --no-cache \
    # the shell
    bash \
  # indented comment
    curl
