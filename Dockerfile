# syntax=docker/dockerfile:1
# copycat container image: a Debian 12 build stage, then a slim runtime stage that carries only
# the binary and the shared libraries it links against.
#
#   docker build -t registry.example.com/copycat:0.1.0 .
#
# tools/check_runtime_libs.sh (ctest label "lint") checks that RUNTIME_PACKAGES provides every
# shared library the copycat binary needs and that BUILD_PACKAGES stays within
# tools/install-deps.sh. Keep both lists one package per line.

ARG DEBIAN_RELEASE=12

FROM debian:${DEBIAN_RELEASE} AS build
# Compiler and the -dev packages of the libraries; no test peers (the release preset builds no
# tests). A subset of tools/install-deps.sh.
ARG BUILD_PACKAGES="\
    g++ \
    cmake \
    ninja-build \
    pkg-config \
    ca-certificates \
    libcurl4-openssl-dev \
    libssl-dev \
    nlohmann-json3-dev \
    libsimdjson-dev \
    libyaml-cpp-dev \
    libspdlog-dev \
    libfmt-dev \
    libre2-dev \
    libcpp-httplib-dev \
    prometheus-cpp-dev \
    libexpected-dev \
    libcli11-dev"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${BUILD_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The release preset: RelWithDebInfo, warnings as errors, tests off; binary in build/release/bin.
RUN rm -rf build \
 && cmake --workflow --preset release \
 && install -D -m 0755 -s build/release/bin/copycat /out/copycat

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
ARG DEBIAN_RELEASE
# The runtime halves of BUILD_PACKAGES' libraries (apt adds their own dependencies).
ARG RUNTIME_PACKAGES="\
    ca-certificates \
    libc6 \
    libgcc-s1 \
    libstdc++6 \
    libcurl4 \
    libssl3 \
    libyaml-cpp0.7 \
    libspdlog1.10 \
    libfmt9 \
    libre2-9 \
    libsimdjson14 \
    libcpp-httplib0.11 \
    libprometheus-cpp-core1.0"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 copycat \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin copycat

COPY --from=build /out/copycat /usr/local/bin/copycat

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="copycat" \
      org.opencontainers.image.description="Kubernetes controller that mirrors every container image a cluster runs into ECR or an OCI registry" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/debian:${DEBIAN_RELEASE}-slim"

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
# Metrics and admin API; health probes.
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/copycat"]
CMD ["run"]
