FROM alpine
RUN cat<<NOT_A_HEREDOC
RUN echo "<<quoted" <<<herestring
RUN ["cat", "<<EXEC"]
