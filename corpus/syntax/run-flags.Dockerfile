# syntax=docker/dockerfile:1
FROM golang:1.22
RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,source=go.sum,target=go.sum \
    --network=none --security=insecure --device=nvidia.com/gpu=all \
    go build ./...
