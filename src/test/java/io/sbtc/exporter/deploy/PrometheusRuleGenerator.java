package io.sbtc.exporter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns alerts/sbtc-signer.rules.yml into deploy/kubernetes/prometheusrule.yaml for the Prometheus
 * Operator. The rule file's {@code groups:} block is copied as text, indented under {@code spec:},
 * so its comments (the thresholds' explanations) survive. {@link PrometheusRuleTest} checks that
 * the committed file is what this makes, comparing parsed trees.
 */
final class PrometheusRuleGenerator {
  static final Path RULES = Path.of("alerts/sbtc-signer.rules.yml");
  static final Path OUTPUT = Path.of("deploy/kubernetes/prometheusrule.yaml");
  static final String REGENERATE = "mvn -B -q test -Dtest=PrometheusRuleTest -Dsbtc.regenerate=true";
  static final String NAME = "sbtc-signer";
  static final String NAMESPACE = "sbtc-signer";

  private PrometheusRuleGenerator() {}

  static String generate(String rules) {
    List<String> lines = rules.lines().toList();
    int start = lines.indexOf("groups:");
    if (start < 0) {
      throw new IllegalArgumentException(RULES + ": no top-level \"groups:\" line");
    }
    StringBuilder out = new StringBuilder();
    out.append("# GENERATED from ").append(RULES).append(" by src/test/java/io/sbtc/exporter/deploy/PrometheusRuleGenerator.java.\n")
        .append("# Do not edit: change the rule file, then regenerate with\n")
        .append("#   ").append(REGENERATE).append('\n')
        .append("# `mvn -B verify` fails while this file and the rule file differ (PrometheusRuleTest).\n")
        .append("#\n")
        .append("# The Prometheus resource must select this rule: with kube-prometheus-stack, add its release label\n")
        .append("# (release: <helm release name>) or set prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues=false.\n")
        .append("apiVersion: monitoring.coreos.com/v1\n")
        .append("kind: PrometheusRule\n")
        .append("metadata:\n")
        .append("  name: ").append(NAME).append('\n')
        .append("  namespace: ").append(NAMESPACE).append('\n')
        .append("  labels:\n")
        .append("    app.kubernetes.io/name: sbtc-signer-exporter\n")
        .append("    app.kubernetes.io/part-of: sbtc-signer\n")
        .append("spec:\n");
    for (String line : lines.subList(start, lines.size())) {
      // Indenting every line alike keeps block scalars and comments where YAML wants them.
      out.append(line.isBlank() ? "" : "  " + line).append('\n');
    }
    return out.toString().stripTrailing() + "\n";
  }

  static void write() throws IOException {
    Files.writeString(OUTPUT, generate(Files.readString(RULES)));
  }

  /** Run from the project directory. */
  public static void main(String[] args) throws IOException {
    write();
    System.out.println("wrote " + OUTPUT);
  }
}
