# Stand-in for node:18-slim: Debian's nodejs 18 and npm 10 from the npm
# registry's own tarball (Debian's npm package drags in node-gyp and g++,
# which the upstream slim image does not have), user `node` (uid 1000).
FROM localhost/debian:bookworm-slim
COPY npm.tgz /tmp/npm.tgz
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/npm.tgz --strip-components=1 -C /usr/local/lib/node_modules/npm \
 && rm /tmp/npm.tgz \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV NODE_VERSION=18.19.0 \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
