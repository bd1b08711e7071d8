package io.corral.command;

import java.nio.file.Path;

/** The conf dir ({@code -Dcorral.conf.dir}, which {@code bin/corral} sets; else {@code conf}). */
public final class ConfDir {
  private ConfDir() {}

  public static Path get() {
    String dir = System.getProperty("corral.conf.dir");
    return Path.of(dir == null || dir.isBlank() ? "conf" : dir);
  }
}
