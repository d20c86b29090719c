# Stand-in for golang:1.19: Debian's Go 1.19.8 at /usr/local/go, the C
# toolchain (cgo), GOPATH=/go, WORKDIR /go, as upstream.
FROM localhost/debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-1.19-go ca-certificates gcc libc6-dev make pkg-config git \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/lib/go-1.19 /usr/local/go
ENV GOLANG_VERSION=1.19.8 \
    GOPATH=/go \
    GOTOOLCHAIN=local \
    GOFLAGS=-buildvcs=false \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go
