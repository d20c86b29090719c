# Stand-in for oven/bun:1.3-slim (Debian slim): Bun 1.3's official linux-x64
# binary, from the npm registry's @oven/bun-linux-x64 package (fetched on the
# host by make-bases.sh), at /usr/local/bin/bun with bunx beside it, user
# `bun` (uid 1000), WORKDIR /home/bun/app, as upstream.
FROM localhost/debian:trixie-slim
COPY bun.tgz /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && tar -xzf /tmp/bun.tgz --strip-components=2 -C /usr/local/bin package/bin/bun \
 && rm /tmp/bun.tgz \
 && chmod 755 /usr/local/bin/bun \
 && ln -s bun /usr/local/bin/bunx \
 && groupadd --gid 1000 bun \
 && useradd --uid 1000 --gid bun --shell /bin/sh --create-home bun \
 && mkdir -p /home/bun/app && chown bun:bun /home/bun/app \
 && bun --version
WORKDIR /home/bun/app
CMD ["/usr/local/bin/bun"]
