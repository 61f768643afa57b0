package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What psql is fed from a plain dump: the lines pg_restore --no-owner --no-privileges would run, nothing that leaves the database. */
class PlainSqlFilterTest {

  private static String filter(String script) throws IOException, VerifyFailure {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PlainSqlFilter.copy(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** psql is already restricted with the exporter's key; pg_dump's own pair would be refused (see PsqlRestrictedMode). */
  @Test
  void dropsOwnershipAndPrivilegesAndPgDumpsRestrictPairOutsideCopyData() throws Exception {
    String dump = """
        \\restrict 7HcQ1xk2
        SET client_encoding = 'UTF8';
        CREATE SCHEMA sbtc_signer;
        ALTER SCHEMA sbtc_signer OWNER TO postgres;
        CREATE TABLE sbtc_signer.p2p_peers (address text NOT NULL);
        ALTER TABLE sbtc_signer.p2p_peers OWNER TO signer;
        COPY sbtc_signer.p2p_peers (address) FROM stdin;
        GRANT looks like a statement but is data
        ALTER TABLE x OWNER TO y;
        \\N
        \\.
        REVOKE ALL ON SCHEMA public FROM PUBLIC;
        GRANT SELECT ON sbtc_signer.p2p_peers TO sbtc_exporter;
        ALTER DEFAULT PRIVILEGES FOR ROLE signer GRANT SELECT ON TABLES TO sbtc_exporter;
        -- PostgreSQL database dump complete
        \\unrestrict 7HcQ1xk2
        """;
    assertEquals("""
        SET client_encoding = 'UTF8';
        CREATE SCHEMA sbtc_signer;
        CREATE TABLE sbtc_signer.p2p_peers (address text NOT NULL);
        COPY sbtc_signer.p2p_peers (address) FROM stdin;
        GRANT looks like a statement but is data
        ALTER TABLE x OWNER TO y;
        \\N
        \\.
        -- PostgreSQL database dump complete
        """, filter(dump));
  }

  @Test
  void knowsWhetherTheDumpIsComplete() throws Exception {
    PlainSqlFilter.Result complete = PlainSqlFilter.copy(
        new ByteArrayInputStream("SELECT 1;\n-- PostgreSQL database dump complete\n".getBytes()), new ByteArrayOutputStream());
    assertTrue(complete.complete());
    assertEquals(2, complete.lines());
    PlainSqlFilter.Result cut = PlainSqlFilter.copy(new ByteArrayInputStream("SELECT 1;\nCREATE TAB".getBytes()), new ByteArrayOutputStream());
    assertFalse(cut.complete());
    assertEquals(2, cut.lines());
  }

  @Test
  void theMarkerInsideCopyDataDoesNotCount() throws Exception {
    PlainSqlFilter.Result r = PlainSqlFilter.copy(new ByteArrayInputStream(
        "COPY t (c) FROM stdin;\n-- PostgreSQL database dump complete\n".getBytes()), new ByteArrayOutputStream());
    assertFalse(r.complete());
  }

  @Test
  void refusesConnectAndShellEscapes() {
    VerifyFailure connect = assertThrows(VerifyFailure.class, () -> filter("CREATE DATABASE signer;\n\\connect signer\nSELECT 1;\n"));
    assertEquals(FailureReason.UNSUPPORTED_DUMP, connect.reason());
    assertEquals("line 2 has the psql command \\connect; only dumps of one database made without --create are verified", connect.getMessage());
    VerifyFailure shell = assertThrows(VerifyFailure.class, () -> filter("\\! rm -rf /var/backups\n"));
    assertEquals(FailureReason.UNSUPPORTED_DUMP, shell.reason());
  }

  @Test
  void passesBytesThroughUnchanged() throws Exception {
    byte[] latin1 = {'C', 'O', 'P', 'Y', ' ', 't', ' ', 'F', 'R', 'O', 'M', ' ', 's', 't', 'd', 'i', 'n', ';', '\n',
        (byte) 0xe9, '\t', (byte) 0xff, '\r', '\n', '\\', '.', '\n'};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PlainSqlFilter.copy(new ByteArrayInputStream(latin1), out);
    assertArrayEquals(latin1, out.toByteArray());
  }
}
