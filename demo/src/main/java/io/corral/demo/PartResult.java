package io.corral.demo;

import java.util.List;

/**
 * How one part of the demo went: its report line ({@code <title>: <summary> in <seconds> (ok|FAILED)}),
 * lines under it (where its tasks ran, what it computed) and its log.
 */
public record PartResult(String title, boolean ok, double seconds, String summary, List<String> details) {
  public PartResult {
    details = List.copyOf(details);
  }

  /** The report's lines for this part. */
  public List<String> lines() {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    out.add("  " + title + ": " + summary + " in " + DemoFormat.seconds(seconds) + " (" + (ok ? "ok" : "FAILED") + ")");
    details.forEach(d -> out.add("    " + d));
    return out;
  }
}
