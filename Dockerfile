# Two images from one build, both on a base made on this machine (no registry is reachable, so
# nothing here is pulled, and nothing runs Maven or apt: the jars come from the host build):
#   sandbox  → bastion/python:dev   sandboxd on TCP 7070 behind a per-sandbox token (Kubernetes)
#   gateway  → bastion/gateway:dev  the bastion CLI and server
# Build them with `./bastion images`: it makes the base with `docker import` of the sandbox root
# filesystem that embedded mode uses (controller RootFilesystem: Debian 13 minbase + python3 with
# numpy, pandas, matplotlib, scipy and ipykernel + git + nodejs + openjdk-21-jre-headless + tini +
# ca-certificates, user 1000 `sandbox`), so the image name
# bastion/python means the same contents in both modes, and it passes SANDBOXD_JVM_FLAGS.
# No `# syntax=` line: it would make BuildKit pull a frontend image.
ARG SANDBOX_BASE=bastion/base:trixie
ARG GATEWAY_BASE=bastion/base:trixie

FROM ${SANDBOX_BASE} AS sandbox
# sandboxd's JVM flags are embedded mode's (controller OciBundle.SANDBOXD_JVM_FLAGS), handed in by
# the image builder rather than written out twice; they go to an @argfile the java launcher reads.
ARG SANDBOXD_JVM_FLAGS
RUN test -n "$SANDBOXD_JVM_FLAGS" \
      || { echo "SANDBOXD_JVM_FLAGS is not set: build the images with ./bastion images" >&2; exit 1; } \
 && printf '%s\n' $SANDBOXD_JVM_FLAGS > /opt/bastion/sandboxd.jvm-flags \
 && chown 1000:1000 /workspace
COPY sandboxd/target/sandboxd.jar /opt/bastion/sandboxd.jar
# On Kubernetes the gateway reaches sandboxd on the pod IP, and the pod's token (a Secret mounted at
# the token file) proves each call comes from the gateway. sandboxd refuses to start without it.
ENV SANDBOXD_LISTEN=0.0.0.0:7070 \
    SANDBOXD_TOKEN_FILE=/var/run/bastion/token \
    LANG=C.UTF-8
USER 1000:1000
WORKDIR /workspace
EXPOSE 7070
# One gRPC health Check with the token (a fresh JVM each time, so not too often). Kubernetes ignores
# HEALTHCHECK and uses the pod's probes; plain docker shows it as the container's health.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "@/opt/bastion/sandboxd.jvm-flags", "-jar", "/opt/bastion/sandboxd.jar", "--health-check"]
# tini reaps the orphans user code leaves behind (the JVM as PID 1 would not).
ENTRYPOINT ["/usr/bin/tini", "-s", "--", "java", "@/opt/bastion/sandboxd.jvm-flags", \
  "-jar", "/opt/bastion/sandboxd.jar", "--workspace", "/workspace"]

FROM ${GATEWAY_BASE} AS gateway
# Not root, and not the sandbox user either: the gateway holds every tenant's tokens.
RUN useradd --uid 10001 --user-group --create-home --home-dir /var/lib/bastion \
      --shell /usr/sbin/nologin bastion
COPY gateway/target/bastion.jar /opt/bastion/bastion.jar
USER bastion
WORKDIR /var/lib/bastion
ENTRYPOINT ["java", "-jar", "/opt/bastion/bastion.jar"]
CMD ["--help"]
