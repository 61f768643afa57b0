package io.sbtc.exporter.source.release;

import java.util.Optional;

/**
 * The components whose versions the exporter knows, in the order they are shown: the keys of
 * {@code versions.minimum}, of the release feed's {@code repos}, and the {@code component} label of
 * the version metrics. Where each one's running version is read is derived/VersionCheck's table.
 */
public enum Component {
  SIGNER("signer", "stacks-sbtc/sbtc"),
  STACKS_NODE("stacks_node", "stacks-network/stacks-core"),
  BITCOIND("bitcoind", "bitcoin/bitcoin"),
  POSTGRES("postgres", null);

  private final String key;
  private final String repo;

  Component(String key, String repo) {
    this.key = key;
    this.repo = repo;
  }

  public String key() {
    return key;
  }

  /** Where its releases are published, owner/name on GitHub; empty when the feed does not follow it. */
  public Optional<String> defaultRepo() {
    return Optional.ofNullable(repo);
  }
}
