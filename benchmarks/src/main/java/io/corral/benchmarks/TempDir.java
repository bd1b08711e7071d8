package io.corral.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** Deletes a benchmark's temporary tree, read-only parts (the fetch cache's entries) included. */
final class TempDir {
  private TempDir() {}

  /** Deletes {@code root} when the JVM exits, if it is still there (the benchmark was stopped). */
  static void deleteOnExit(Path root) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        delete(root);
      } catch (IOException | UncheckedIOException e) {
        System.err.println("cannot delete " + root + ": " + e);
      }
    }, "temp-dir-cleaner"));
  }

  /** Deletes {@code root} and everything under it, making directories writable first; nothing if absent. */
  static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
