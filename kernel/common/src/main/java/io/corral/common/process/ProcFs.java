package io.corral.common.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * What /proc says about processes that {@link ProcessHandle} cannot tell: their environment
 * ({@link ProcessTable} has their parents and sessions). Processes that vanish while being read are
 * skipped.
 */
public final class ProcFs {
  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /** Live processes whose environment holds {@code name=value} (inherited by every child). */
  public static List<ProcessHandle> withEnvironment(String name, String value) {
    byte[] needle = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    return matching(pid -> {
      try {
        byte[] env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        return containsEntry(env, needle);
      } catch (IOException | RuntimeException e) {
        return false;
      }
    });
  }

  static boolean containsEntry(byte[] env, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start == entry.length && java.util.Arrays.equals(env, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static List<ProcessHandle> matching(LongPredicate test) {
    List<ProcessHandle> out = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(PROC, p -> ProcessTable.isPid(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (pid != self && test.test(pid)) {
          ProcessHandle.of(pid).ifPresent(out::add);
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

}
