package io.corral.common.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The end of a file, for failure messages ("stderr: ..."). */
public final class FileTail {
  private FileTail() {}

  /** The last {@code maxBytes} of a file, stripped ("" when it cannot be read). */
  public static String of(Path file, int maxBytes) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long start = Math.max(0, len - maxBytes);
      byte[] buf = new byte[(int) (len - start)];
      f.seek(start);
      f.readFully(buf);
      String s = new String(buf, StandardCharsets.UTF_8).strip();
      return start > 0 ? "..." + s : s;
    } catch (IOException e) {
      return "";
    }
  }
}
