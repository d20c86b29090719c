# Stand-in for oven/bun:1.3 (Debian): the slim image plus what upstream's
# full image adds for installs that build native code or fetch from git.
FROM localhost/oven/bun:1.3-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git curl python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
CMD ["/usr/local/bin/bun"]
