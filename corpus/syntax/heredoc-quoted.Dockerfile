# syntax=docker/dockerfile:1
FROM alpine
RUN <<"EOF"
echo $HOME stays literal
EOF
RUN <<'END'
echo single
END
