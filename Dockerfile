# Build stage: the same Maven and JDK as the README's build.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
# No tarball, and no class data archive here: it is written below, by the Java that runs it.
RUN mvn -B -q package -DskipTests -Dassembly.skipAssembly=true -Dcds.skip=true

# Run stage: a slim JRE, PostgreSQL's client programs for restore verification, a non-root user.
FROM eclipse-temurin:17-jre-jammy
ARG VERSION=dev
# pg_restore and psql of the signer's PostgreSQL major version (deploy/postgres-versions.env; a test
# checks that the two agree): pg_restore reads archives of its own major version and older only, and
# the sBTC mainnet Compose runs postgres:16.6, so its pg_dump 16 archives need pg_restore 16 or newer.
# Ubuntu 22.04 has only 14, so they come from the PostgreSQL project's own apt repository (PGDG),
# whose signing key is checked against its published fingerprint. Always the newest minor release:
# psql must be 16.10 or newer for plain SQL backups (restricted mode, docs/database.md).
ARG POSTGRES_MAJOR=16
ARG PGDG_KEY_FINGERPRINT=B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl gnupg; \
    curl -fsSL -o /tmp/pgdg.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    gpg --batch --with-colons --show-keys /tmp/pgdg.asc | grep -q "^fpr:::::::::${PGDG_KEY_FINGERPRINT}:"; \
    gpg --batch --dearmor -o /usr/share/keyrings/pgdg.gpg /tmp/pgdg.asc; \
    echo "deb [signed-by=/usr/share/keyrings/pgdg.gpg] https://apt.postgresql.org/pub/repos/apt jammy-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${POSTGRES_MAJOR}"; \
    apt-get purge -y --auto-remove curl gnupg; \
    rm -rf /var/lib/apt/lists/* /tmp/pgdg.asc; \
    "/usr/lib/postgresql/${POSTGRES_MAJOR}/bin/pg_restore" --version; \
    "/usr/lib/postgresql/${POSTGRES_MAJOR}/bin/psql" --version
LABEL org.opencontainers.image.title="sbtc-signer-exporter" \
      org.opencontainers.image.description="Prometheus exporter and alerting sidecar for sBTC signer operators" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN useradd --system --uid 10184 --no-create-home --shell /usr/sbin/nologin exporter
COPY --from=build /src/target/sbtc-signer-exporter.jar /opt/sbtc-signer-exporter/sbtc-signer-exporter.jar
COPY bin/sbtc-signer-exporter /opt/sbtc-signer-exporter/bin/sbtc-signer-exporter
COPY examples/config.yml /etc/sbtc-signer-exporter/config.yml
# The launcher holds the JVM options (docs/benchmarks.md). The class data archive is written here, by
# this image's Java for the jar at this path, since an archive only works for the Java and the jar
# path it was written with; it shortens the start-up (docs/benchmarks.md).
RUN chmod 0755 /opt/sbtc-signer-exporter/bin/sbtc-signer-exporter \
 && /opt/sbtc-signer-exporter/bin/sbtc-signer-exporter --write-cds-archive
USER 10184:10184
EXPOSE 10184
# exec'd by the launcher, the JVM is PID 1 and gets the signals.
ENTRYPOINT ["/opt/sbtc-signer-exporter/bin/sbtc-signer-exporter"]
CMD ["--config", "/etc/sbtc-signer-exporter/config.yml", "--web.listen-address", "0.0.0.0:10184"]
