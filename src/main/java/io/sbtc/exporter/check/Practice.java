package io.sbtc.exporter.check;

/** The signer operators' best practices, in the order of their list, and the signer's health. Each groups one or more items. */
public enum Practice {
  KEY("Protect the signer's private key"),
  BACKUPS("Back up the signer's database daily and prove the backups restore"),
  ACCESS("Strict access control"),
  FIREWALL("Default-deny firewall"),
  SECRETS("Rotate secrets"),
  LOGS("Keep at least 7 days of logs for the signer, the Stacks node and the Bitcoin node"),
  METRICS("Enable the signer's Prometheus endpoint, and watch it"),
  NODES("Run dedicated nodes"),
  /** Not on the operators' list: the signer's own health, which the alerts watch, so every alert has an item. */
  SIGNING("Keep the signer signing"),
  RELEASES("Stay on current releases"),
  REDUNDANCY("Keep redundancy");

  private final String title;

  Practice(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
