# Stand-in for gcr.io/distroless/java17-debian13, the runtime the Java split
# chooses for an exec-form ENTRYPOINT on a Java 17 builder. Upstream puts a
# Temurin 17 JRE on its cc-debian13 (java-base) image; Debian 13 (trixie) has
# no OpenJDK 17, so this one copies bookworm's headless JRE (built against
# glibc 2.36, which trixie's 2.41 runs) onto the cc-debian13 stand-in, the
# way distroless.Dockerfile assembles java17-debian12: the JRE's own files,
# its configuration and CA store, `java` on PATH, no shell, no package
# manager, ENTRYPOINT ["/usr/bin/java", "-jar"] as upstream. The :nonroot
# variant is made by make-bases.sh.
FROM localhost/debian:bookworm-slim AS jre
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /out/usr/lib/jvm /out/etc/ssl/certs /out/usr/bin \
 && cp -a /usr/lib/jvm/java-17-openjdk-amd64 /out/usr/lib/jvm/ \
 && cp -a /etc/java-17-openjdk /out/etc/ \
 && cp -a /etc/ssl/certs/java /out/etc/ssl/certs/ \
 && ln -s /usr/lib/jvm/java-17-openjdk-amd64/bin/java /out/usr/bin/java \
 && ! find /out -path '*/bin/*sh' | grep .

FROM gcr.io/distroless/cc-debian13:latest AS java17
COPY --from=jre /out/ /
ENV LANG=C.UTF-8 JAVA_VERSION=17
ENTRYPOINT ["/usr/bin/java", "-jar"]
