# syntax=docker/dockerfile:1
FROM alpine
RUN <<EOF
echo last
EOF