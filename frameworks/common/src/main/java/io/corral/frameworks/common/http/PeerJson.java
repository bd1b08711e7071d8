package io.corral.frameworks.common.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.corral.http.Response;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * JSON as the peers' APIs write it (Marathon's, Chronos'): camelCase field names as the Java ones
 * are, timestamps ({@link Instant}) as {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC. The kernel's own
 * API is snake_case ({@code HttpIo.JSON}); this is a mapper of its own.
 *
 * <p>A request's unknown fields are accepted, as the peers accepted them, and told to the caller
 * ({@link #read}: {@link Parsed#unknownFields}) so that it can log one warning line. A body that is
 * no JSON, or whose fields have the wrong types, is a {@link JsonInputException} naming where.
 */
public final class PeerJson {
  /** How the peers write a moment: milliseconds, always three digits, UTC. */
  public static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The mapper (do not reconfigure it: share it or {@code copy()} it). */
  public static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // the handler of read() still hears of them
      .registerModule(new SimpleModule("corral-peer-timestamps")
          .addSerializer(Instant.class, new InstantSerializer())
          .addDeserializer(Instant.class, new InstantDeserializer()));

  private PeerJson() {}

  /** A request's body read as a {@code T}, and the fields it had that {@code T} has not (sorted). */
  public record Parsed<T>(T value, List<String> unknownFields) {
    public Parsed {
      unknownFields = unknownFields.stream().sorted().toList();
    }

    /** One line for the log when there were unknown fields: {@code ignored unknown fields of <what>: a, b/c}. */
    public Optional<String> warning(String what) {
      return unknownFields.isEmpty() ? Optional.empty()
          : Optional.of("ignored unknown fields of " + what + ": " + String.join(", ", unknownFields));
    }
  }

  public static <T> Parsed<T> read(byte[] body, Class<T> type) {
    return read(body, JSON.readerFor(type));
  }

  public static <T> Parsed<T> read(byte[] body, TypeReference<T> type) {
    return read(body, JSON.readerFor(type));
  }

  private static <T> Parsed<T> read(byte[] body, ObjectReader reader) {
    List<String> unknown = new ArrayList<>();
    try {
      T value = reader.withHandler(new DeserializationProblemHandler() {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
            Object beanOrClass, String propertyName) throws IOException {
          unknown.add(pointer(p, propertyName));
          p.skipChildren();
          return true;
        }
      }).readValue(body);
      if (value == null) {
        throw new JsonInputException("", "the body is empty or null, not a JSON object", true);
      }
      return new Parsed<>(value, unknown);
    } catch (JsonMappingException e) {
      throw new JsonInputException(pointer(e.getPath()), e.getOriginalMessage(), false);
    } catch (JsonProcessingException e) {
      throw new JsonInputException("", e.getOriginalMessage(), true);
    } catch (IOException e) {
      throw new JsonInputException("", e.getMessage(), true);
    }
  }

  /** The JSON pointer of field {@code name} of the object the parser is in ({@code /healthChecks/0/foo}). */
  private static String pointer(JsonParser p, String name) {
    JsonStreamContext ctx = p.getParsingContext();
    JsonToken t = p.currentToken();
    if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && ctx.getParent() != null) {
      ctx = ctx.getParent(); // the unknown field's own value was entered already
    }
    StringBuilder path = new StringBuilder("/").append(name);
    for (JsonStreamContext c = ctx.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
      String step = c.inArray() ? Integer.toString(c.getCurrentIndex()) : c.getCurrentName();
      path.insert(0, "/" + step);
    }
    return path.toString();
  }

  private static String pointer(List<JsonMappingException.Reference> path) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      out.append('/').append(r.getFieldName() != null ? r.getFieldName() : Integer.toString(r.getIndex()));
    }
    return out.toString();
  }

  public static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** {@code value} as the JSON answer with {@code status}. */
  public static Response response(int status, Object value) {
    return Response.of(status, "application/json", write(value));
  }

  public static String timestamp(Instant t) {
    return TIMESTAMP.format(t);
  }

  /** A timestamp as the peers write it, or any ISO-8601 moment with an offset ({@code 2024-05-01T10:00:00+02:00}). */
  public static Instant parseTimestamp(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a timestamp such as 2024-05-01T10:00:00.000Z: '" + text + "'");
    }
  }

  private static final class InstantSerializer extends StdSerializer<Instant> {
    private static final long serialVersionUID = 1L;

    InstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(timestamp(value));
    }
  }

  private static final class InstantDeserializer extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return Instant.ofEpochMilli(p.getLongValue());
      }
      try {
        return parseTimestamp(p.getValueAsString());
      } catch (IllegalArgumentException e) {
        return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getValueAsString(), e.getMessage());
      }
    }
  }
}
