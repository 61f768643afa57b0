package io.sbtc.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.common.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Reads {@link ConfigNode#secret}: a {@code ${VAR}} reference or a {@code *_file}, never a value written in the file. */
final class SecretReader {
  private SecretReader() {}

  static Optional<Secret> read(ConfigNode node, String key) {
    String fileKey = key + "_file";
    if (node.has(key) && node.has(fileKey)) {
      throw node.error(key, "set either " + key + " or " + fileKey + ", not both");
    }
    JsonNode inline = node.raw(key);
    if (inline != null) {
      String text = inline.isValueNode() ? inline.asText().trim() : "";
      // A ${VAR:-default} is refused too: its default is a secret written in the file.
      if (!EnvRefs.SECRET_REF.matcher(text).matches()) {
        throw node.error(key, "must not be written in the config file; use " + fileKey + " or an environment reference like ${"
            + key.toUpperCase(Locale.ROOT) + "}");
      }
      Secret secret = new Secret(node.scalar(key, inline));
      node.print(key, text);
      return Optional.of(secret);
    }
    Optional<Path> file = node.path(fileKey);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    node.warnings().check(node.childPath(fileKey), file.get());
    try {
      String content = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
      if (content.isEmpty()) {
        throw node.error(fileKey, "file " + file.get() + " is empty");
      }
      return Optional.of(new Secret(content));
    } catch (IOException e) {
      throw node.error(fileKey, "cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
