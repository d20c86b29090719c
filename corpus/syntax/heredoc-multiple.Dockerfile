# syntax=docker/dockerfile:1
FROM alpine
RUN <<A cat - /dev/fd/3 3<<B > /out
first
A
second
B
COPY <<one.txt <<two.txt /files/
1
one.txt
2
two.txt
