package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.sbtc.exporter.common.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  /** The hash an unknown user is checked against costs as much as the dearest real one, and matches nothing. */
  @Test
  void theDummyHashHasTheHighestConfiguredCost() {
    List<Secret> hashes = List.of(new Secret(BCrypt.withDefaults().hashToString(5, "a".toCharArray())),
        new Secret(BCrypt.withDefaults().hashToString(7, "b".toCharArray())));
    String dummy = BasicAuth.dummyHash(hashes);
    assertEquals(7, BasicAuth.cost(dummy));
    assertFalse(BCrypt.verifyer().verify("a".toCharArray(), dummy.toCharArray()).verified);
    assertFalse(BCrypt.verifyer().verify("".toCharArray(), dummy.toCharArray()).verified);
    assertEquals(12, BasicAuth.cost("$2a$12$" + "x".repeat(53)));
  }
}
