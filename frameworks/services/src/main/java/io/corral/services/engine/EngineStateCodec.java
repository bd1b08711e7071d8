package io.corral.services.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.corral.services.app.AppId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The stored form of the engine's records (apps, deployments, tasks, failures): JSON, each record as
 * its fields, app ids as their paths, times as ISO-8601 instants. JSON rather than protobuf: the
 * records are the model's own Java records, so no second schema has to be kept in step with them; an
 * operator can read a record in ZooKeeper as it is; and fields added later are skipped by older
 * readers and absent (null, 0, false) for newer ones.
 */
public final class EngineStateCodec {
  private final ObjectMapper json = JsonMapper.builder()
      .addModule(new SimpleModule("corral-services-state")
          .addSerializer(AppId.class, new JsonSerializer<>() {
            @Override
            public void serialize(AppId v, JsonGenerator g, SerializerProvider p) throws IOException {
              g.writeString(v.path());
            }
          })
          .addDeserializer(AppId.class, new JsonDeserializer<>() {
            @Override
            public AppId deserialize(JsonParser p, DeserializationContext c) throws IOException {
              return new AppId(p.getValueAsString());
            }
          })
          .addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
              g.writeString(v.toString());
            }
          })
          .addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
              return Instant.parse(p.getValueAsString());
            }
          }))
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  public byte[] write(Object record) {
    try {
      return json.writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + record.getClass().getSimpleName(), e);
    }
  }

  /** The record of {@code type} in {@code bytes}; an {@link UncheckedIOException} naming what is wrong if they hold none. */
  public <T> T read(byte[] bytes, Class<T> type) {
    try {
      return json.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException("stored " + type.getSimpleName() + " is unreadable: " + e.getMessage(), e);
    }
  }
}
