# syntax=docker/dockerfile:1.7-labs
FROM alpine AS src
FROM alpine
COPY --from=src --chown=app:app --chmod=0755 --link /a /b /dest/
COPY --parents --exclude=*.tmp ./src/ /app/
COPY ["with space", "/dst dir/"]
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.10.1 /buildkit
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/f.tar.gz /
ADD --unpack=true archive.tar.gz /opt/
