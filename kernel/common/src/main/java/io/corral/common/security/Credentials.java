package io.corral.common.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The principals a daemon accepts secrets from, read from a credentials file: one
 * {@code principal secret} pair per line (as Mesos' text credentials), {@code #} comments and
 * blank lines ignored. Principals cannot contain whitespace or ':' (HTTP basic auth uses it).
 * Secrets are compared in constant time and never logged.
 */
public final class Credentials {
  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);
  /** No principal can authenticate with a secret (certificates only). */
  public static final Credentials NONE = new Credentials(Map.of(), null);

  private final Map<String, byte[]> secrets;
  private final Path source;

  private Credentials(Map<String, byte[]> secrets, Path source) {
    this.secrets = secrets;
    this.source = source;
  }

  public static Credentials load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("credentials file " + file + " does not exist");
    }
    warnIfReadableByOthers(file);
    Map<String, byte[]> out = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      if (parts.length != 2 || parts[0].contains(":")) {
        // Never echo the line: it may hold a secret.
        throw new IOException(file + ":" + (i + 1) + ": expected 'principal secret' (a principal without ':')");
      }
      if (out.put(parts[0], parts[1].getBytes(StandardCharsets.UTF_8)) != null) {
        throw new IOException(file + ":" + (i + 1) + ": principal '" + parts[0] + "' given twice");
      }
    }
    return new Credentials(Map.copyOf(out), file);
  }

  private static final Set<Path> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      boolean open = perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ);
      // Once per file: a client reads its secret file on every (re)connection.
      if (open && WARNED.add(file.toAbsolutePath().normalize())) {
        LOG.warn("{} holds secrets but can be read by other users (chmod 600 it)", file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
  }

  /** The identity of {@code principal} when {@code secret} is its secret. */
  public Optional<Identity> authenticate(String principal, String secret) {
    byte[] known = secrets.get(principal);
    byte[] given = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
    // Compare even for an unknown principal, so timing does not tell which principals exist.
    boolean equal = MessageDigest.isEqual(known == null ? new byte[32] : known, given);
    return known != null && equal ? Optional.of(new Identity(principal, Identity.Method.SECRET)) : Optional.empty();
  }

  public int size() {
    return secrets.size();
  }

  @Override
  public String toString() {
    return source == null ? "no credentials" : secrets.size() + " principals from " + source;
  }
}
