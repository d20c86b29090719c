# Stand-ins for gcr.io/distroless/*-debian12, assembled the way distroless is:
# files of Debian bookworm packages copied onto an empty root, no shell, no
# package manager. Targets: static, base, cc, python3, nodejs18, java17; each
# is the previous one plus its runtime. The :nonroot variants (USER 65532,
# WORKDIR /home/nonroot) are made from these by make-bases.sh.
FROM localhost/debian:bookworm-slim AS src
COPY distroless/pkgcopy.sh /usr/local/bin/pkgcopy
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata netbase base-files \
      libc6 libssl3 openssl libgcc-s1 libstdc++6 libgomp1 \
      python3.11-minimal libpython3.11-stdlib \
      nodejs openjdk-17-jre-headless zlib1g \
 && rm -rf /var/lib/apt/lists/*
# static: users, CA bundle, time zones, /etc/services; nothing executable
RUN mkdir -p /out/static/etc/ssl/certs /out/static/usr/share /out/static/tmp \
      /out/static/home/nonroot /out/static/root /out/static/var/lib/dpkg \
 && cp /etc/ssl/certs/ca-certificates.crt /out/static/etc/ssl/certs/ \
 && cp -a /usr/share/zoneinfo /out/static/usr/share/ \
 && cp /etc/services /etc/protocols /etc/ethertypes /etc/rpc /out/static/etc/ \
 && mkdir -p /out/static/usr/lib && cp /usr/lib/os-release /out/static/usr/lib/ && ln -s ../usr/lib/os-release /out/static/etc/os-release \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /out/static/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n' > /out/static/etc/group \
 && printf 'hosts: files dns\n' > /out/static/etc/nsswitch.conf \
 && chmod 1777 /out/static/tmp && chown 65532:65532 /out/static/home/nonroot && chmod 700 /out/static/root
# base: glibc + OpenSSL
RUN pkgcopy /out/base libc6 libssl3 \
 && mkdir -p /out/base/usr/lib/ssl && cp -a /usr/lib/ssl/. /out/base/usr/lib/ssl/ \
 && mkdir -p /out/base/etc/ssl && cp /etc/ssl/openssl.cnf /out/base/etc/ssl/
# cc: + libgcc, libstdc++, libgomp
RUN PKGCOPY_SKIP="libc6 libssl3 libcrypt1 libzstd1" pkgcopy /out/cc libgcc-s1 libstdc++6 libgomp1
# python3: Debian's CPython 3.11 (same as python:3.11 stand-in), no pip
RUN PKGCOPY_SKIP="libc6 libssl3 libgcc-s1 libstdc++6 libgomp1 tzdata" pkgcopy /out/python3 python3.11-minimal libpython3.11-stdlib \
 && ln -s python3.11 /out/python3/usr/bin/python3 && ln -s python3.11 /out/python3/usr/bin/python
# nodejs18: Debian's nodejs 18 at /nodejs/bin/node as upstream, no npm
RUN PKGCOPY_SKIP="libc6 libssl3 libgcc-s1 libstdc++6 libgomp1" pkgcopy /out/nodejs18 nodejs \
 && mkdir -p /out/nodejs18/nodejs/bin && ln -s /usr/bin/node /out/nodejs18/nodejs/bin/node
# java17: the headless JRE's files (not its package closure: cups, fonts, ...)
RUN PKGCOPY_SKIP="libc6 libssl3 libgcc-s1 libstdc++6 libgomp1" pkgcopy /out/java17 zlib1g \
 && mkdir -p /out/java17/usr/lib/jvm /out/java17/etc/ssl/certs /out/java17/usr/bin \
 && cp -a /usr/lib/jvm/java-17-openjdk-amd64 /out/java17/usr/lib/jvm/ \
 && cp -a /etc/java-17-openjdk /out/java17/etc/ \
 && cp -a /etc/ssl/certs/java /out/java17/etc/ssl/certs/ \
 && ln -s /usr/lib/jvm/java-17-openjdk-amd64/bin/java /out/java17/usr/bin/java
# no shell may leak in through a package
RUN for d in /out/*; do rm -f $d/usr/bin/sh $d/usr/bin/bash $d/usr/bin/dash $d/.pkgs; done; \
    ! ls /out/*/usr/bin/*sh 2>/dev/null

FROM scratch AS static
COPY --from=src /out/static/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
WORKDIR /

FROM static AS base
COPY --from=src /out/base/ /

FROM base AS cc
COPY --from=src /out/cc/ /

FROM cc AS python3
COPY --from=src /out/python3/ /
ENV LANG=C.UTF-8
ENTRYPOINT ["/usr/bin/python3.11"]

FROM cc AS nodejs18
COPY --from=src /out/nodejs18/ /
ENTRYPOINT ["/nodejs/bin/node"]

FROM cc AS java17
COPY --from=src /out/java17/ /
ENV LANG=C.UTF-8 JAVA_VERSION=17
ENTRYPOINT ["/usr/bin/java", "-jar"]
