package io.corral.fetcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Builds archives for tests, including ones no honest tool would write. */
final class TestArchives {
  enum Kind { FILE, DIR, SYMLINK, HARDLINK, FIFO }

  /** One entry; names are written exactly as given (absolute paths and {@code ..} included). */
  record Entry(Kind kind, String name, byte[] content, int mode, String link) {}

  private TestArchives() {}

  static Entry file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  static Entry file(String name, byte[] content, int mode) {
    return new Entry(Kind.FILE, name, content, mode, null);
  }

  static Entry dir(String name, int mode) {
    return new Entry(Kind.DIR, name, new byte[0], mode, null);
  }

  static Entry symlink(String name, String target) {
    return new Entry(Kind.SYMLINK, name, new byte[0], 0777, target);
  }

  static Entry hardLink(String name, String target) {
    return new Entry(Kind.HARDLINK, name, new byte[0], 0644, target);
  }

  static Entry fifo(String name) {
    return new Entry(Kind.FIFO, name, new byte[0], 0644, null);
  }

  /** Writes {@code entries} to {@code out} in {@code format}; returns {@code out}. */
  static Path write(Path out, Archives.Format format, Entry... entries) throws IOException {
    try (OutputStream file = Files.newOutputStream(out)) {
      if (format == Archives.Format.ZIP) {
        zip(file, entries);
      } else {
        try (OutputStream compressed = compress(format, file)) {
          tar(compressed, entries);
        }
      }
    }
    return out;
  }

  private static OutputStream compress(Archives.Format format, OutputStream out) throws IOException {
    return switch (format) {
      case TAR -> new OutputStream() { // leaves the file for the caller to close
        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }
      };
      case TAR_GZ, TGZ -> new GzipCompressorOutputStream(out);
      case TAR_BZ2 -> new BZip2CompressorOutputStream(out);
      case TAR_XZ -> new XZCompressorOutputStream(out);
      case ZIP -> throw new IllegalArgumentException();
    };
  }

  private static void tar(OutputStream out, Entry... entries) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Entry entry : entries) {
      TarArchiveEntry header = switch (entry.kind()) {
        case FILE -> new TarArchiveEntry(entry.name(), true);
        case DIR -> new TarArchiveEntry(entry.name(), TarConstants.LF_DIR, true);
        case SYMLINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_SYMLINK, true);
        case HARDLINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_LINK, true);
        case FIFO -> new TarArchiveEntry(entry.name(), TarConstants.LF_FIFO, true);
      };
      header.setMode(entry.mode());
      if (entry.link() != null) {
        header.setLinkName(entry.link());
      }
      if (entry.kind() == Kind.FILE) {
        header.setSize(entry.content().length);
      }
      tar.putArchiveEntry(header);
      tar.write(entry.content());
      tar.closeArchiveEntry();
    }
    tar.finish();
  }

  private static void zip(OutputStream out, Entry... entries) throws IOException {
    ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out);
    for (Entry entry : entries) {
      ZipArchiveEntry header = new ZipArchiveEntry(entry.kind() == Kind.DIR && !entry.name().endsWith("/")
          ? entry.name() + "/" : entry.name());
      byte[] content = entry.content();
      switch (entry.kind()) {
        case FILE -> header.setUnixMode(UnixStat.FILE_FLAG | entry.mode());
        case DIR -> header.setUnixMode(UnixStat.DIR_FLAG | entry.mode());
        case SYMLINK -> {
          header.setUnixMode(UnixStat.LINK_FLAG | 0777);
          content = entry.link().getBytes(StandardCharsets.UTF_8);
        }
        default -> throw new IllegalArgumentException("zip cannot hold " + entry.kind());
      }
      zip.putArchiveEntry(header);
      zip.write(content);
      zip.closeArchiveEntry();
    }
    zip.finish();
  }

  /**
   * A .tar.gz holding one file of {@code bytes} zeros, made of concatenated gzip members so it
   * takes a second to build and about a thousandth of that size on disk.
   */
  static Path zerosBomb(Path out, long bytes) throws IOException {
    TarArchiveEntry header = new TarArchiveEntry("zeros");
    header.setSize(bytes);
    header.setMode(0644);
    byte[] headerBlock = new byte[512];
    header.writeEntryHeader(headerBlock);
    int chunk = 1024 * 1024;
    byte[] zeros = gzip(new byte[chunk]);
    try (OutputStream file = Files.newOutputStream(out)) {
      file.write(gzip(headerBlock));
      for (long written = 0; written < bytes; written += chunk) {
        file.write(zeros);
      }
      file.write(gzip(new byte[1024])); // end of archive: two zero blocks
    }
    return out;
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(data);
    }
    return bytes.toByteArray();
  }
}
