package io.corral.http;

import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resources as the API shows them: {@code cpus}, {@code mem} and {@code disk} (MiB) always, as
 * numbers; {@code ports} always, as Mesos writes ranges ({@code "[31000-31099,31200-31200]"});
 * then any other scalar or ranges resource by name.
 */
public final class ResourcesJson {
  private ResourcesJson() {}

  public static Map<String, Object> of(Resources r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(Resources.CPUS, round(r.cpus()));
    out.put(Resources.MEM, round(r.mem()));
    out.put(Resources.DISK, round(r.disk()));
    out.put(Resources.PORTS, r.ports().toString());
    r.scalars().forEach((name, value) -> out.putIfAbsent(name, round(value)));
    for (Map.Entry<String, RangeSet> e : r.rangeResources().entrySet()) {
      out.putIfAbsent(e.getKey(), e.getValue().toString());
    }
    return out;
  }

  /**
   * Only the resources present, by name: scalars as numbers, ranges as Mesos writes them (what is
   * reserved to a role: {@code {"cpus": 4.0, "mem": 8192.0}}).
   */
  public static Map<String, Object> present(Resources r) {
    Map<String, Object> out = new LinkedHashMap<>();
    r.scalars().forEach((name, value) -> out.put(name, round(value)));
    r.rangeResources().forEach((name, value) -> out.put(name, value.toString()));
    return out;
  }

  /** Agent attributes by name: text or number, as the agent declared them. */
  public static Map<String, Object> attributes(java.util.List<io.corral.protocol.Attribute> list) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (io.corral.protocol.Attribute a : list) {
      out.put(a.getName(), a.hasScalar() ? (Object) a.getScalar() : a.getText());
    }
    return out;
  }

  /** Scalars are kept to three decimals (Mesos' precision), so sums print as 0.3, not 0.30000000000000004. */
  public static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
