# samverkan: build with the pinned toolchain, run on a slim Debian with the two client
# libraries. Nothing is downloaded at run time (Swagger UI is vendored in the binary).
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p samverkan-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/samverkan --create-home samverkan
COPY --from=build /src/target/release/samverkan /usr/local/bin/samverkan
USER samverkan
WORKDIR /var/lib/samverkan
ENV SAMVERKAN_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/samverkan/samverkan.db \
    SAMVERKAN_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["samverkan"]
CMD ["serve"]
