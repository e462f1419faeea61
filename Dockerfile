# samverkan: build with the pinned toolchain, run on a slim Debian with the two client
# libraries. Nothing is downloaded at run time (Swagger UI is vendored in the binary).
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, in a layer of their own: it is rebuilt only when a manifest or the
# lock file changes, not on every source edit. Stub crates stand in for the workspace.
COPY Cargo.toml Cargo.lock rust-toolchain.toml ./
COPY crates/domain/Cargo.toml crates/domain/
COPY crates/persistence/Cargo.toml crates/persistence/
COPY crates/http/Cargo.toml crates/http/
COPY crates/server/Cargo.toml crates/server/
RUN for c in domain persistence http server; do mkdir -p crates/$c/src && : > crates/$c/src/lib.rs; done \
    && echo 'fn main() {}' > crates/server/src/main.rs \
    && mkdir -p tests/api && : > tests/api/main.rs \
    && cargo build --release --locked -p samverkan-server \
    && rm -rf crates tests
COPY . .
# COPY keeps the context's file times, which may be older than the stubs' build: touch
# the sources so cargo rebuilds the workspace crates (and only them).
RUN find crates tests -name '*.rs' -exec touch {} + \
    && cargo build --release --locked -p samverkan-server

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
