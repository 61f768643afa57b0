package io.sbtc.exporter.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code check --output json}: the scorecard for automation. The shape is documented in
 * docs/check.md and versioned by {@link #SCHEMA}: fields are only ever added within a version.
 */
public final class JsonReport {
  public static final String SCHEMA = "sbtc-signer-exporter/check/v1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static String render(Scorecard card, String exporterVersion) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("exporter_version", exporterVersion);
    root.put("checked_at", card.at().toString());
    root.put("exit_code", card.exitCode());
    ObjectNode summary = root.putObject("summary");
    for (Map.Entry<State, Integer> e : card.counts().entrySet()) {
      summary.put(e.getKey().label(), e.getValue());
    }
    ArrayNode items = root.putArray("items");
    for (Result r : card.results()) {
      ObjectNode item = items.addObject();
      item.put("id", r.item().id());
      item.put("practice", r.item().practice().title());
      item.put("title", r.item().title());
      item.put("state", r.state().label());
      item.put("fact", r.verdict().fact());
      item.put("hint", r.verdict().hint().orElse(null));
      item.put("runbook_url", r.item().runbookUrl());
      r.item().metrics().forEach(item.putArray("metrics")::add);
      r.item().alerts().forEach(item.putArray("alerts")::add);
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as JSON", e);
    }
  }
}
