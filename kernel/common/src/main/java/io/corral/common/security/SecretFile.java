package io.corral.common.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A secret kept in a file of its own (never on a command line, where {@code ps} shows it). */
public final class SecretFile {
  /** Secrets are short; a big file is a mistake (e.g. a key or a jar named by accident). */
  static final long MAX_BYTES = 4096;

  private SecretFile() {}

  /** The file's content without trailing line breaks; an empty or missing file is an error. */
  public static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("secret file " + file + " does not exist");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("secret file " + file + " is larger than " + MAX_BYTES + " bytes");
    }
    Credentials.warnIfReadableByOthers(file);
    String secret = Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
    if (secret.isEmpty()) {
      throw new IOException("secret file " + file + " is empty");
    }
    return secret;
  }
}
