package io.corral.services.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link KeyValue} in memory, counting its writes. */
final class MemoryKeyValue implements KeyValue {
  final Map<String, byte[]> values = new TreeMap<>();
  int writes;

  @Override
  public List<String> children(String dir) {
    List<String> out = new ArrayList<>();
    for (String path : values.keySet()) {
      if (path.startsWith(dir + "/") && path.indexOf('/', dir.length() + 1) < 0) {
        out.add(path.substring(dir.length() + 1));
      }
    }
    return out;
  }

  @Override
  public byte[] get(String path) {
    return values.get(path);
  }

  @Override
  public void write(List<Write> batch) {
    writes++;
    for (Write w : batch) {
      if (w.value() == null) {
        values.remove(w.path());
      } else {
        values.put(w.path(), w.value());
      }
    }
  }
}
