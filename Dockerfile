# Build stage: the same Maven and JDK as the README's build.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests -Dassembly.skipAssembly=true

# Run stage: a slim JRE, a non-root user, nothing else.
FROM eclipse-temurin:17-jre-jammy
ARG VERSION=dev
LABEL org.opencontainers.image.title="sbtc-signer-exporter" \
      org.opencontainers.image.description="Prometheus exporter and alerting sidecar for sBTC signer operators" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN useradd --system --uid 10184 --no-create-home --shell /usr/sbin/nologin exporter
COPY --from=build /src/target/sbtc-signer-exporter.jar /opt/sbtc-signer-exporter/sbtc-signer-exporter.jar
COPY examples/config.yml /etc/sbtc-signer-exporter/config.yml
USER 10184:10184
EXPOSE 10184
# Small, predictable footprint next to the signer: serial GC, a fixed heap cap, and only the quick
# JIT compiler (C2's compiler memory alone took RSS past 128 MiB; see docs/benchmarks.md). Out of
# memory, the process ends rather than live on with threads that died: a restart is the cure.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms32m -Xmx96m -XX:MaxMetaspaceSize=64m -Xss512k -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/sbtc-signer-exporter/sbtc-signer-exporter.jar"]
CMD ["--config", "/etc/sbtc-signer-exporter/config.yml", "--web.listen-address", "0.0.0.0:10184"]
