FROM alpine
ENV A=1 B="two words" C='single' D=esc\ aped
ENV LEGACY value with spaces
LABEL org.opencontainers.image.title="demo" \
      version=1.0
LABEL "quoted key"=v
