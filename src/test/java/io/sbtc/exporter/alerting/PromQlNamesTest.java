package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlNamesTest {
  @Test
  void findsSelectedMetricsAndSkipsFunctionsKeywordsLabelsAndDurations() {
    assertEquals(Set.of("sign_requests_total", "sbtc_threshold:signer_sign_failure_ratio"), PromQlNames.metricNames("""
        sum by (job, instance) (increase(sign_requests_total{app="signer", status!="success"}[1h] offset 5m))
          / on (job, instance) group_left (kind)
        sum without (status) (rate(sign_requests_total[$__rate_interval])) > bool scalar(sbtc_threshold:signer_sign_failure_ratio)
        and 1e3 < 0x10 or vector(2.5)
        """));
  }

  @Test
  void labelValuesThatLookLikeMetricsAreNotMetrics() {
    assertEquals(Set.of("up", "x"),
        PromQlNames.metricNames("up{job=\"peers_connected\", instance=~'a|b'} unless on() absent(x{} ) * 0 + time()"));
  }
}
