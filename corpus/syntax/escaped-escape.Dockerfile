FROM alpine
RUN echo C:\\
RUN echo next
\
CMD ["lone-escape-line-joins"]
