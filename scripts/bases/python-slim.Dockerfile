# Stand-in for python:3.11-slim: Debian bookworm + CPython 3.11 with prefix
# /usr/local. Debian's python3 is 3.11.2; /usr/local is made a venv (with the
# system site packages) so that pip, `pip install --prefix=/install` and
# `/usr/local/lib/python3.11/site-packages` behave as in the upstream image.
# SSL_CERT_FILE: uv (and other installers with their own TLS roots) trust the
# system bundle, which holds the egress proxy's CA (make-bases.sh MSB_HOST_CA),
# as NODE_EXTRA_CA_CERTS does for npm in the node stand-in.
FROM localhost/debian:bookworm-slim
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D \
    PYTHON_VERSION=3.11.2 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 python3-venv python3-wheel-whl \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv --system-site-packages /usr/local \
 && /usr/local/bin/pip install --no-cache-dir --no-index /usr/share/python-wheels/wheel-*.whl \
 && ln -sf python3 /usr/local/bin/python \
 && rm -f /usr/local/bin/activate* /usr/local/bin/Activate.ps1 \
 && find /usr/local -depth -name __pycache__ -exec rm -rf {} +
CMD ["python3"]
