# syntax=docker/dockerfile:1
# Two images from one build: `gateway` (the Bastion server) and `sandbox` (Debian + python3 +
# sandboxd, the same contents as the embedded root filesystem). Base images are build arguments
# so they can come from a local registry. Minimal until the Kubernetes issue wires them up.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG GATEWAY_BASE=eclipse-temurin:21-jre
ARG SANDBOX_BASE=debian:trixie-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -DskipITs package

FROM ${SANDBOX_BASE} AS sandbox
# The package list and the user match controller's RootFilesystem recipe.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 openjdk-21-jre-headless tini util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd -g 1000 sandbox && useradd -u 1000 -g 1000 -d /workspace -s /bin/sh sandbox \
 && mkdir -p /workspace /run/bastion /opt/bastion && chown 1000:1000 /workspace /run/bastion
COPY --from=build /src/sandboxd/target/sandboxd.jar /opt/bastion/sandboxd.jar
USER 1000:1000
WORKDIR /workspace
# The same command line as the embedded runtime's (controller OciBundle.ENTRY_ARGS).
ENTRYPOINT ["/usr/bin/tini", "-s", "--", "java", "-Xms8m", "-Xmx48m", "-Xss512k", "-XX:+UseSerialGC", \
  "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", \
  "-XX:-UsePerfData", "-Xshare:off", "-Dio.netty.native.workdir=/tmp", \
  "-jar", "/opt/bastion/sandboxd.jar", "--socket", "/run/bastion/sandboxd.sock", "--workspace", "/workspace"]

FROM ${GATEWAY_BASE} AS gateway
COPY --from=build /src/gateway/target/bastion.jar /opt/bastion/bastion.jar
ENTRYPOINT ["java", "-jar", "/opt/bastion/bastion.jar"]
CMD ["--help"]
