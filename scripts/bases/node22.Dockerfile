# Stand-in for node:22 (node:22-trixie, buildpack-deps based): the slim image
# plus the toolchain native addons need.
FROM localhost/node:22-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 git curl \
 && rm -rf /var/lib/apt/lists/*
CMD ["node"]
