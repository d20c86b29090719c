# syntax=docker/dockerfile:1
FROM alpine
RUN python3 3<<PY
print('fd 3')
PY
