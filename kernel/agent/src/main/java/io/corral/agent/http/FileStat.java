package io.corral.agent.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What a directory entry itself is (a link is a link, not its target): its type, its mode as
 * {@code ls -l} writes it, its size and modification time.
 */
record FileStat(Type type, String mode, long size, FileTime mtime) {
  /** The kinds of file a POSIX mode names; {@code json} is how the API names them. */
  enum Type {
    FILE("file", '-', "a regular file"),
    DIRECTORY("directory", 'd', "a directory"),
    LINK("link", 'l', "a symbolic link"),
    FIFO("fifo", 'p', "a FIFO (named pipe)"),
    SOCKET("socket", 's', "a socket"),
    BLOCK_DEVICE("block_device", 'b', "a block device"),
    CHAR_DEVICE("char_device", 'c', "a character device"),
    OTHER("other", '?', "not a regular file");

    final String json;
    final char letter;
    final String described;

    Type(String json, char letter, String described) {
      this.json = json;
      this.letter = letter;
      this.described = described;
    }

    static Type ofMode(int mode) {
      return switch (mode & 0170000) {
        case 0100000 -> FILE;
        case 0040000 -> DIRECTORY;
        case 0120000 -> LINK;
        case 0010000 -> FIFO;
        case 0140000 -> SOCKET;
        case 0060000 -> BLOCK_DEVICE;
        case 0020000 -> CHAR_DEVICE;
        default -> OTHER;
      };
    }
  }

  /** Reads {@code p} itself, following no link. */
  static FileStat of(Path p) throws IOException {
    try {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      return new FileStat(Type.ofMode(mode), mode(mode), (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) { // no "unix" view on this platform
      BasicFileAttributes b = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Type type = b.isSymbolicLink() ? Type.LINK : b.isDirectory() ? Type.DIRECTORY : b.isRegularFile() ? Type.FILE
          : Type.OTHER;
      return new FileStat(type, null, b.size(), b.lastModifiedTime());
    }
  }

  /** {@code drwxr-xr-x}, {@code lrwxrwxrwx}, {@code prw-------}, with set-id and sticky bits as ls shows them. */
  static String mode(int mode) {
    StringBuilder s = new StringBuilder(10).append(Type.ofMode(mode).letter);
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = mode >> shift;
      s.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-');
      boolean x = (bits & 1) != 0;
      int special = shift == 6 ? 04000 : shift == 3 ? 02000 : 01000;
      if ((mode & special) != 0) {
        char c = shift == 0 ? 't' : 's';
        s.append(x ? c : Character.toUpperCase(c));
      } else {
        s.append(x ? 'x' : '-');
      }
    }
    return s.toString();
  }
}
