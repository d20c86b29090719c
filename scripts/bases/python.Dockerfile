# Stand-in for python:3.11 (the big one, buildpack-deps based): the slim image
# plus a C toolchain and the Python headers, so `pip install` can compile
# C extensions from source distributions.
FROM localhost/python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev make python3-dev git curl \
 && rm -rf /var/lib/apt/lists/*
CMD ["python3"]
