package io.sbtc.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sbtc.exporter.testing.ExporterProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a log shipper reads from a real process: one JSON object per line, no stack traces for upstream failures. */
@Timeout(60) // A process start and two log lines.
class LoggingTest {
  @TempDir
  Path dir;

  @Test
  void jsonLogsOneObjectPerLineAndAnUpstreamFailureIsOneLine() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yml"), "signer:\n  info_url: \"http://127.0.0.1:1/info\"\n  interval: 1s\n");
    try (ExporterProcess exporter = ExporterProcess.start(config, "--log.format=json", "--log.level=info")) {
      // Both lines are awaited: /-/ready can answer before the main thread logs "listening".
      exporter.awaitLog("\"source\":\"signer_info\"");
      exporter.awaitLog("\"msg\":\"listening\"");
      List<String> lines = exporter.logs().lines().filter(l -> !l.isBlank()).toList();
      ObjectMapper json = new ObjectMapper();
      boolean sawFailure = false;
      for (String line : lines) {
        JsonNode event = json.readTree(line); // throws if a line is not one JSON object
        if ("signer_info".equals(event.path("source").asText())) {
          assertEquals("connect", event.get("reason").asText());
          assertEquals("warn", event.get("level").asText());
          sawFailure = true;
        }
      }
      assertTrue(sawFailure, exporter.logs());
      assertTrue(lines.stream().anyMatch(l -> l.contains("\"msg\":\"listening\"")), exporter.logs());
    }
  }
}
