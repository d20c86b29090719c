#!/bin/bash
# render the configuration from the environment
envsubst < /usr/local/share/server.conf.tmpl > /etc/server.conf
exec server --config /etc/server.conf
