package io.corral.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile protocol input: messages of a type filled field by field with
 * edge values (empty and huge strings, NUL, "..", NaN, extremes, many repeated entries, deep
 * nesting), mutations of valid messages' bytes (bit flips, truncation, inserted garbage, overlong
 * varints, lying length prefixes) and plain random bytes.
 */
final class ProtoFuzz {
  private static final List<String> STRINGS = List.of("", " ", "..", "../../etc/passwd", "/", "*", "\0", "a\0b",
      "%2e%2e", "\u202e\u00e9\uD83D\uDE00", "<script>", "x".repeat(5000), "${jndi:ldap://x}", "role/..", "-1");
  private static final long[] LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};
  private static final double[] DOUBLES = {0, -0.0, 1, -1, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE, 1e-300, 0.001};

  final long seed;
  private final Random random;

  ProtoFuzz(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** How many cases each entry point runs: {@code -Dcorral.fuzz.cases} (the long run: 10000 or more). */
  static int cases(int normal) {
    return Integer.getInteger("corral.fuzz.cases", normal);
  }

  /** The seed: {@code -Dcorral.fuzz.seed} to replay a failure, else a fixed one (a deterministic suite). */
  static long seed() {
    return Long.getLong("corral.fuzz.seed", 20261205L);
  }

  /** One hostile message for {@code type}, from {@code valid} examples of it. */
  byte[] next(Descriptor type, List<byte[]> valid) {
    return switch (random.nextInt(8)) {
      case 0 -> bytes(random.nextInt(512));
      case 1, 2 -> message(type, 0).toByteArray();
      default -> mutate(valid.get(random.nextInt(valid.size())));
    };
  }

  DynamicMessage message(Descriptor type, int depth) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    for (FieldDescriptor f : type.getFields()) {
      if (random.nextInt(3) == 0 || (f.getContainingOneof() != null && b.hasOneof(f.getContainingOneof()))) {
        continue;
      }
      int n = f.isRepeated() ? (random.nextInt(10) == 0 ? 200 : random.nextInt(4)) : 1;
      for (int i = 0; i < n; i++) {
        Object v = value(f, depth);
        if (v == null) {
          break;
        }
        if (f.isRepeated()) {
          b.addRepeatedField(f, v);
        } else {
          b.setField(f, v);
        }
      }
    }
    return b.build();
  }

  private Object value(FieldDescriptor f, int depth) {
    return switch (f.getJavaType()) {
      case INT -> (int) pickLong();
      case LONG -> pickLong();
      case FLOAT -> (float) pickDouble();
      case DOUBLE -> pickDouble();
      case BOOLEAN -> random.nextBoolean();
      case STRING -> random.nextInt(4) == 0 ? new String(bytes(random.nextInt(40)), StandardCharsets.ISO_8859_1)
          : STRINGS.get(random.nextInt(STRINGS.size()));
      case BYTE_STRING -> ByteString.copyFrom(bytes(random.nextInt(random.nextInt(20) == 0 ? 100_000 : 64)));
      case ENUM -> {
        List<EnumValueDescriptor> values = f.getEnumType().getValues();
        yield values.get(random.nextInt(values.size()));
      }
      case MESSAGE -> depth < 5 ? message(f.getMessageType(), depth + 1) : null;
    };
  }

  private long pickLong() {
    return random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong() % 100_000;
  }

  private double pickDouble() {
    return random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble() * 1000 - 10;
  }

  byte[] mutate(byte[] valid) {
    byte[] b = Arrays.copyOf(valid, valid.length);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits && b.length > 0; i++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b = Arrays.copyOf(b, at); // truncated
        case 2 -> b = splice(b, at, bytes(1 + random.nextInt(16)));
        case 3 -> b = splice(b, at, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}); // overlong varint
        case 4 -> b[at] = (byte) 0x7f; // a length prefix that lies
        default -> b = splice(b, at, Arrays.copyOfRange(b, 0, at)); // a duplicated run
      }
    }
    return b;
  }

  private static byte[] splice(byte[] b, int at, byte[] in) {
    byte[] out = new byte[b.length + in.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(in, 0, out, at, in.length);
    System.arraycopy(b, at, out, at + in.length, b.length - at);
    return out;
  }

  byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
