# Stand-ins for gcr.io/distroless/{static,base,cc}-debian13, assembled the way
# distroless assembles them: the files of a fixed list of Debian 13 (trixie)
# packages on an empty root (each package's own files, not its dependency
# closure: see distroless-debian13/debcopy.sh), plus what distroless writes
# itself: /etc/passwd and /etc/group (root, nobody, nonroot 65532), /home,
# /root, /tmp, nsswitch.conf, its os-release and the CA bundle. No shell, no
# package manager, nothing executable but the dynamic loader. Package lists as
# upstream's debian13 recipes:
#   static: base-files netbase tzdata media-types
#   base:   static + libc6 libssl3t64 libzstd1 zlib1g
#   cc:     base + libgcc-s1 libstdc++6 libgomp1 gcc-14-base
# The :nonroot variants (USER 65532:65532, WORKDIR /home/nonroot) are made
# from these by make-bases.sh.
FROM localhost/debian:trixie-slim AS src
COPY distroless-debian13/debcopy.sh /usr/local/bin/debcopy
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates base-files netbase tzdata media-types \
      libc6 libssl3t64 libzstd1 zlib1g libgcc-s1 libstdc++6 libgomp1 gcc-14-base \
 && rm -rf /var/lib/apt/lists/*
# static: users, CA bundle, time zones, /etc/services, /etc/mime.types
RUN debcopy /out/static base-files netbase tzdata media-types \
 && mkdir -p /out/static/etc/ssl/certs /out/static/home/nonroot \
 && cp /etc/ssl/certs/ca-certificates.crt /out/static/etc/ssl/certs/ \
 && rm -f /out/static/etc/os-release \
 && printf '%s\n' 'PRETTY_NAME="Distroless"' 'NAME="Debian GNU/Linux"' 'ID="debian"' 'VERSION_ID="13"' \
      'VERSION="Debian GNU/Linux 13 (trixie)"' 'HOME_URL="https://github.com/GoogleContainerTools/distroless"' \
      'SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"' \
      'BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"' > /out/static/etc/os-release \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /out/static/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n' > /out/static/etc/group \
 && printf 'passwd:         compat\ngroup:          compat\nshadow:         compat\ngshadow:        files\n\nhosts:          files dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis\n' > /out/static/etc/nsswitch.conf \
 && chmod 1777 /out/static/tmp && chmod 700 /out/static/root && chmod 755 /out/static/home \
 && chown 65532:65532 /out/static/home/nonroot && chmod 700 /out/static/home/nonroot
# base: glibc, OpenSSL 3 (no openssl.cnf: that is the openssl package's) and
# the compression libraries libssl3t64 links
RUN debcopy /out/base libc6 libssl3t64 libzstd1 zlib1g
# cc: the GCC runtime libraries (C++, unwinding, OpenMP)
RUN debcopy /out/cc libgcc-s1 libstdc++6 libgomp1 gcc-14-base
# nothing executable may come in through a package (the loader is a
# library), and libgcc_s is cc's, not base's
RUN ! find /out -path '*/bin/*' -o -path '*/sbin/*' | grep . \
 && [ ! -e /out/base/usr/lib/x86_64-linux-gnu/libgcc_s.so.1 ] \
 && [ -e /out/cc/usr/lib/x86_64-linux-gnu/libgcc_s.so.1 ]

FROM scratch AS static
COPY --from=src /out/static/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 0
WORKDIR /

FROM static AS base
COPY --from=src /out/base/ /

FROM base AS cc
COPY --from=src /out/cc/ /
