# Stand-in for rust:1.63 (Debian bookworm ships rustc 1.63.0 / cargo 0.66):
# CARGO_HOME and RUSTUP_HOME under /usr/local as upstream, C toolchain for
# linking.
FROM localhost/debian:bookworm-slim
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    RUST_VERSION=1.63.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends rustc cargo ca-certificates gcc libc6-dev make \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/cargo/bin /usr/local/rustup && chmod -R a+w /usr/local/cargo /usr/local/rustup \
 && ln -s /usr/bin/cargo /usr/bin/rustc /usr/local/cargo/bin/ \
 && rustc --version && cargo --version
