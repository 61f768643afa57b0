package io.sbtc.exporter.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogSetupTest {

  static LogRecord record(String template, Object... params) {
    LogRecord r = new LogRecord(Level.WARNING, template);
    r.setLoggerName("io.sbtc.exporter.core.SourceRunner");
    r.setParameters(params);
    r.setMillis(1_795_000_000_000L);
    return r;
  }

  @Test
  void logfmtLineKeepsPairsAndQuotesValuesThatNeedIt() {
    String line = new LogSetup.LogfmtFormatter().format(record(
        "source={0} reason={1} msg=\"poll failed: {2}\"", "bitcoin", "parse", "field \"x\" is bad"));
    assertEquals("time=2026-11-18T11:06:40Z level=warn logger=SourceRunner source=bitcoin reason=parse "
        + "msg=\"poll failed: field \\\"x\\\" is bad\"" + System.lineSeparator(), line);
  }

  @Test
  void jsonLineHasTheSameFields() throws Exception {
    String line = new LogSetup.JsonFormatter().format(record(
        "source={0} reason={1} msg=\"poll failed: {2}\"", "stacks", "timeout", "no answer within 5000ms"));
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("warn", json.get("level").asText());
    assertEquals("stacks", json.get("source").asText());
    assertEquals("timeout", json.get("reason").asText());
    assertEquals("poll failed: no answer within 5000ms", json.get("msg").asText());
    assertEquals("2026-11-18T11:06:40Z", json.get("time").asText());
  }

  @Test
  void plainMessageBecomesMsgAndAThrowableIsOneFieldNotAStackTrace() throws Exception {
    LogRecord r = record("something odd happened");
    r.setThrown(new IllegalStateException("boom"));
    String line = new LogSetup.JsonFormatter().format(r);
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("something odd happened", json.get("msg").asText());
    assertEquals("IllegalStateException: boom", json.get("error").asText());
    assertFalse(line.contains("\tat "), "no stack trace");
    assertEquals(1, line.strip().lines().count());
  }
}
