ARG BASE=python
ARG TAG=3.11-slim
FROM --platform=$BUILDPLATFORM ${BASE}:${TAG} AS build
FROM registry.example.com:5000/team/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef as final
FROM scratch
