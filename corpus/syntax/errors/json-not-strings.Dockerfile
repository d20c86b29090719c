FROM alpine
CMD ["ok", 1]
