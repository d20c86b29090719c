# Stand-in for nginx (mainline/stable, Debian bookworm based): Debian's nginx
# 1.22 laid out as upstream: user nginx (uid 101), /etc/nginx/conf.d/default.conf
# serving /usr/share/nginx/html on port 80, logs to stdout/stderr,
# /docker-entrypoint.sh running /docker-entrypoint.d/* before CMD.
FROM localhost/debian:bookworm-slim
ENV NGINX_VERSION=1.22.1
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 101 nginx \
 && useradd --system --gid nginx --no-create-home --home /nonexistent --shell /bin/false --uid 101 nginx \
 && rm -rf /etc/nginx/sites-enabled /etc/nginx/sites-available /var/www \
 && mkdir -p /etc/nginx/conf.d /usr/share/nginx/html /var/cache/nginx /docker-entrypoint.d \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY nginx/default.conf /etc/nginx/conf.d/default.conf
COPY nginx/index.html nginx/50x.html /usr/share/nginx/html/
COPY nginx/docker-entrypoint.sh /docker-entrypoint.sh
RUN chmod 755 /docker-entrypoint.sh && nginx -t
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
