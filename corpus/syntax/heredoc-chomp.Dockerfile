# syntax=docker/dockerfile:1
FROM alpine
RUN <<-EOT
	echo tabs are stripped
	EOT
