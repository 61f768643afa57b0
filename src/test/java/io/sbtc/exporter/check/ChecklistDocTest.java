package io.sbtc.exporter.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/check.md is what operators and their automation read: it must say what the code does. */
class ChecklistDocTest {
  static final Path DOC = Path.of("docs/check.md");

  @Test
  void theItemTableListsEveryItemInOrderWithItsAlerts() throws IOException {
    Matcher row = Pattern.compile("^\\| `([a-z0-9-]+)` \\| [^|]+ \\| [^|]+ \\| ([^|]+) \\|$", Pattern.MULTILINE).matcher(Files.readString(DOC));
    List<String> ids = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    while (row.find()) {
      ids.add(row.group(1));
      Item item = Checklist.ITEMS.stream().filter(i -> i.id().equals(row.group(1))).findFirst().orElse(null);
      String alerts = item == null || item.alerts().isEmpty() ? "—" : String.join(", ", item.alerts());
      if (item != null && !row.group(2).trim().equals(alerts)) {
        problems.add(item.id() + ": docs say " + row.group(2).trim() + ", the checklist " + alerts);
      }
    }
    assertEquals(Checklist.ITEMS.stream().map(Item::id).toList(), ids);
    assertEquals(List.of(), problems);
  }

  @Test
  void everyItemWithoutAnAlertHasItsOwnSection() throws IOException {
    Set<String> anchors = new TreeSet<>();
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("#")) {
        anchors.add(line.replaceFirst("^#+ ", "").trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    for (Item item : Checklist.ITEMS) {
      if (item.alerts().isEmpty()) {
        assertEquals("check.md#" + item.id(), item.runbookPath());
        assertTrue(anchors.contains(item.id()), "docs/check.md has no section for " + item.id());
      }
    }
  }

  @Test
  void theJsonFieldTableMatchesTheOutput() throws IOException {
    Set<String> documented = new TreeSet<>();
    String doc = Files.readString(DOC);
    int start = doc.indexOf("\n## JSON");
    String section = doc.substring(start, doc.indexOf("\n## ", start + 1));
    Matcher row = Pattern.compile("^\\| `([a-z_\\[\\].]+)` \\|", Pattern.MULTILINE).matcher(section);
    while (row.find()) {
      documented.add(row.group(1));
    }
    Scorecard card = Checklist.evaluate(ChecklistTest.readings("{}", "", List.of(), Map.of()));
    JsonNode json = new ObjectMapper().readTree(JsonReport.render(card, "1.2.3"));
    Set<String> emitted = new TreeSet<>();
    for (Iterator<String> it = json.fieldNames(); it.hasNext();) {
      emitted.add(it.next());
    }
    json.path("items").path(0).fieldNames().forEachRemaining(f -> emitted.add("items[]." + f));
    assertEquals(emitted, documented);
  }
}
