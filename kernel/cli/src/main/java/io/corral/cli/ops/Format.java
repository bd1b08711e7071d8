package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;

/** How the CLI prints numbers and JSON. */
final class Format {
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Format() {}

  static void json(PrintStream out, JsonNode node) {
    try {
      out.println(PRETTY.writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String cpus(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.2f", v).replaceAll("0+$", "");
  }

  static String mib(double v) {
    if (v >= 1024 * 1024) {
      return String.format("%.1fT", v / 1024 / 1024);
    }
    if (v >= 1024) {
      return String.format("%.1fG", v / 1024);
    }
    return String.format("%.0fM", v);
  }
}
