# Stand-in for eclipse-temurin:17-jre (and :17-jre-noble, the runtime the
# Java split chooses: upstream's is Ubuntu 24.04, this one Debian bookworm;
# both have a shell and apt): Debian's OpenJDK 17 at /opt/java/openjdk
# (JAVA_HOME), as upstream.
FROM localhost/debian:bookworm-slim
ENV JAVA_HOME=/opt/java/openjdk \
    LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=C.UTF-8 \
    JAVA_VERSION=jdk-17.0.13+11
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/java && ln -s /usr/lib/jvm/java-17-openjdk-amd64 /opt/java/openjdk
ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN java -version

