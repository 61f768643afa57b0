package io.sbtc.exporter.promtext;

import java.util.List;

/** One sample line: its name, its labels in order of appearance (name, value, name, value...), its value. */
record Sample(String name, List<String> labels, double value, int line) {

  String label(String labelName) {
    for (int i = 0; i < labels.size(); i += 2) {
      if (labels.get(i).equals(labelName)) {
        return labels.get(i + 1);
      }
    }
    return null;
  }

  /** The labels without {@code except}, as the key of a histogram or summary series. */
  List<String> labelsWithout(String except) {
    if (label(except) == null) {
      return labels;
    }
    List<String> out = new java.util.ArrayList<>(labels.size() - 2);
    for (int i = 0; i < labels.size(); i += 2) {
      if (!labels.get(i).equals(except)) {
        out.add(labels.get(i));
        out.add(labels.get(i + 1));
      }
    }
    return out;
  }
}
