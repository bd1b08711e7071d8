package io.corral.services.engine;

import java.util.List;

/**
 * A store of small named values in directories, as ZooKeeper's nodes are: what {@link KeyValueEngineStore}
 * needs of one. Paths are relative ({@code apps/eng_web}).
 */
public interface KeyValue {
  /** The names directly under {@code dir} (empty when it has none or does not exist). */
  List<String> children(String dir);

  /** The value at {@code path}, null when there is none. */
  byte[] get(String path);

  /** Writes (a put when the value is set, a delete when it is null; deleting what is not there is no error), together when the store can. */
  void write(List<Write> writes);

  record Write(String path, byte[] value) {}
}
