FROM alpine
ONBUILD COPY . /app
ONBUILD RUN ["make", "build"]
ONBUILD RUN make install
