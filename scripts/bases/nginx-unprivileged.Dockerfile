# Stand-in for nginxinc/nginx-unprivileged (Debian 13 based): Debian's nginx
# laid out as the unprivileged image is: it runs as nginx (uid 101), listens
# on 8080, keeps its pid file and temp files under /tmp, logs to
# stdout/stderr, /etc/nginx/conf.d/default.conf serves /usr/share/nginx/html,
# and /docker-entrypoint.sh runs /docker-entrypoint.d/* before CMD. The nginx
# stand-in's files (nginx/) with the changes upstream makes with sed.
FROM localhost/debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx ca-certificates curl \
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
RUN chmod 755 /docker-entrypoint.sh \
 && sed -i -e '/^user /d' -e 's,^pid .*,pid        /tmp/nginx.pid;,' /etc/nginx/nginx.conf \
 && sed -i '/^http {/a\    client_body_temp_path /tmp/client_temp;\n    proxy_temp_path       /tmp/proxy_temp_path;\n    fastcgi_temp_path     /tmp/fastcgi_temp;\n    uwsgi_temp_path       /tmp/uwsgi_temp;\n    scgi_temp_path        /tmp/scgi_temp;' /etc/nginx/nginx.conf \
 && sed -i 's,listen       80;,listen       8080;,; s,listen  \[::\]:80;,listen  [::]:8080;,' /etc/nginx/conf.d/default.conf \
 && chown -R 101:0 /var/cache/nginx /var/lib/nginx /etc/nginx /usr/share/nginx/html \
 && chmod -R g+w /var/cache/nginx /etc/nginx \
 && nginx -t && rm -rf /tmp/*
EXPOSE 8080
STOPSIGNAL SIGQUIT
USER 101
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
