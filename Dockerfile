# The crawler image: one binary for every role (the seed's EC2 services and its Fargate worker).
#
#   docker build -t crawler .
#   docker run --rm crawler --help
#
# Stage 1 builds with the same dependency script CI uses; stage 2 carries only the runtime
# libraries (found with `ldd` on the release binary and `dpkg -S`), Chromium for the browser
# path, Korean fonts (Naver pages are Korean), CA certificates and time zones.
# Checked without Docker by tests/deploy/dockerfile_rootfs_test.js: the runtime stage carried
# out in a debootstrap root, then the binary, Chromium with Korean text and the HEALTHCHECK.
FROM debian:bookworm AS build
# A precaution: debconf asks nothing during a build (without a terminal it falls back to its
# defaults anyway, as the rootfs test sees with or without this line).
ARG DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
COPY tests/peers/package.json tests/peers/package-lock.json tests/peers/
COPY web/package.json web/package-lock.json web/
RUN scripts/install-deps
COPY . .
RUN cmake --preset release \
 && cmake --build build/release -j"$(nproc)" --target crawler \
 && strip build/release/src/app/crawler

FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
# libsqlite3-0: the embedded store/queue (src/sqlite). libboost-container: Boost.JSON's CMake
# package links it (a build without --as-needed keeps it NEEDED).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates tzdata curl \
      libboost-container1.81.0 libboost-json1.81.0 libboost-url1.81.0 libcctz2 libcurl4 libfmt9 libpq5 \
      libspdlog1.10 libsqlite3-0 libssl3 libxlsxwriter4 libxml2 libzip4 \
      chromium fonts-nanum \
 && rm -rf /var/lib/apt/lists/*
# /app/data: DATA_DIR's default (./data from WORKDIR), the embedded mode's SQLite file when
# DATABASE_URL and REDIS_URL are unset (`docker run crawler`); writable by the image's user.
RUN useradd --system --create-home --uid 10001 crawler \
 && install -d -o crawler -g crawler /app/data
COPY --from=build /src/build/release/src/app/crawler /usr/local/bin/crawler
COPY cloudwatch /app/cloudwatch
WORKDIR /app
USER crawler
EXPOSE 3000 3001 3002
# The api serves PORT, a worker-only process WORKER_PORT, the scheduler SCHEDULER_PORT:
# HEALTH_PORT says which one this container's role answers on (default: the api's).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${HEALTH_PORT:-3000}/health" >/dev/null || exit 1
ENTRYPOINT ["crawler"]
CMD ["--process=all"]
