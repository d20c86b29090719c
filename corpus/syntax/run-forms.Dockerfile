FROM alpine
RUN echo shell form
RUN ["echo", "exec form"]
RUN [not valid json
RUN ["trailing"] text is ignored
