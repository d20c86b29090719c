FROM alpine
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD wget -q -O- http://localhost/ || exit 1
HEALTHCHECK CMD ["/bin/check"]
HEALTHCHECK NONE
