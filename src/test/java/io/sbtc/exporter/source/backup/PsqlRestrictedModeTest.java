package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which psql may be fed a backup: the releases of 2025-08-14 (13.22, 14.19, 15.14, 16.10, 17.6,
 * 18beta3) added {@code \restrict} for CVE-2025-8714; 12 and older never got it.
 */
class PsqlRestrictedModeTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1) | true
      psql (PostgreSQL) 15.14                          | true
      psql (PostgreSQL) 15.13 (Debian 15.13-0+deb12u1) | false
      psql (PostgreSQL) 13.22                          | true
      psql (PostgreSQL) 13.21                          | false
      psql (PostgreSQL) 14.19                          | true
      psql (PostgreSQL) 14.18                          | false
      psql (PostgreSQL) 16.10                          | true
      psql (PostgreSQL) 16.9                           | false
      psql (PostgreSQL) 17.6                           | true
      psql (PostgreSQL) 17.5                           | false
      psql (PostgreSQL) 18.0                           | true
      psql (PostgreSQL) 18beta2                        | false
      psql (PostgreSQL) 18beta3                        | true
      psql (PostgreSQL) 19devel                        | true
      psql (PostgreSQL) 12.22                          | false
      psql (PostgreSQL) 9.6.24                         | false
      Usage: psql [OPTION]...                          | false
      """)
  void onlyAPsqlWithRestrictedModeIsFedABackup(String versionLine, boolean accepted) {
    assertEquals(accepted, PsqlRestrictedMode.refusal(versionLine).isEmpty(), PsqlRestrictedMode.refusal(versionLine).orElse("accepted"));
  }

  @ParameterizedTest
  @CsvSource({"psql (PostgreSQL) 9.6.24, is PostgreSQL 9.6.24", "psql (PostgreSQL) 18beta2, is PostgreSQL 18beta2"})
  void theRefusalNamesTheVersionAndWhatIsNeeded(String versionLine, String start) {
    String why = PsqlRestrictedMode.refusal(versionLine).orElseThrow();
    assertTrue(why.startsWith(start + ", which cannot lock out psql commands"), why);
    assertTrue(why.endsWith("restored only with " + PsqlRestrictedMode.NEEDED), why);
  }

  @org.junit.jupiter.api.Test
  void everyKeyIsNewAndAlphanumeric() {
    String a = PsqlRestrictedMode.newKey();
    assertTrue(a.matches("[0-9a-f]{64}"), a);
    assertNotEquals(a, PsqlRestrictedMode.newKey());
  }
}
