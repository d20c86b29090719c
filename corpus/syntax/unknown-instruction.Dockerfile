FROM alpine
FROBNICATE the widgets
RUN echo after
