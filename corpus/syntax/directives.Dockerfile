# Syntax=docker/dockerfile:1.7
#ESCAPE = \
# check=skip=JSONArgsRecommended
# a comment ends the directives
# syntax=this/is-now-just-a-comment
FROM alpine
