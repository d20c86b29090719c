# Stand-in for gcr.io/distroless/nodejs22-debian13: distroless cc-debian13
# plus the Node.js 22 binary at /nodejs/bin/node, its entrypoint, as
# upstream. No npm, no shell. The :nonroot variant is made by make-bases.sh.
FROM localhost/debian:trixie-slim AS src
COPY node22.tgz /tmp/
RUN mkdir -p /out/nodejs/bin \
 && tar -xzf /tmp/node22.tgz --strip-components=2 -C /out/nodejs/bin package/bin/node

FROM gcr.io/distroless/cc-debian13:latest
COPY --from=src /out/ /
ENTRYPOINT ["/nodejs/bin/node"]
