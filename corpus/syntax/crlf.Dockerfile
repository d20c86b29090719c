FROM debian:bookworm-slim
# a comment

RUN apt-get update && \
    apt-get install -y curl
CMD ["curl", "--version"]
