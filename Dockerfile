# Build stage: the same Maven and JDK as the README's build.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
# No tarball, and no class data archive here: it is written below, by the Java that runs it.
RUN mvn -B -q package -DskipTests -Dassembly.skipAssembly=true -Dcds.skip=true

# Run stage: a slim JRE, a non-root user, nothing else.
FROM eclipse-temurin:17-jre-jammy
ARG VERSION=dev
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
