package io.sbtc.exporter.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Prints the effective config as YAML for {@code --check-config}, with every secret masked. */
public final class ConfigPrinter {
  private ConfigPrinter() {}

  public static String toYaml(ExporterConfig config) {
    SimpleModule module = new SimpleModule()
        .addSerializer(Secret.class, plain(s -> Secret.MASK))
        .addSerializer(Duration.class, plain(Durations::format))
        .addSerializer(URI.class, plain(u -> Redact.url(u.toString())))
        .addSerializer(Path.class, plain(Path::toString))
        .addSerializer(ListenAddress.class, plain(ListenAddress::toString));
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
        .registerModule(new Jdk8Module())
        .registerModule(module)
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    try {
      return mapper.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> JsonSerializer<T> plain(java.util.function.Function<T, String> text) {
    return new JsonSerializer<>() {
      @Override
      public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(text.apply(value));
      }
    };
  }
}
