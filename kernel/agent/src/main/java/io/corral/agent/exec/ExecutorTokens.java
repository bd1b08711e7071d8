package io.corral.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proves an executor is the one the agent launched: each container gets a token (an HMAC of its
 * container id under a key only the agent reads), passed in the executor's environment and shown
 * when it subscribes. A process on the host without it cannot pose as an executor and receive its
 * tasks. The key lives in the work dir, so executors that outlive an agent restart still match.
 */
public final class ExecutorTokens {
  static final String KEY_FILE = "executor-token.key";
  private final byte[] key;

  private ExecutorTokens(byte[] key) {
    this.key = key;
  }

  /** The key of {@code workDir}, made (0600) on first use. */
  public static ExecutorTokens in(Path workDir) throws IOException {
    Path file = workDir.resolve(KEY_FILE);
    if (!Files.exists(file)) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      Files.createDirectories(workDir);
      Path tmp = workDir.resolve(KEY_FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, Base64.getEncoder().encode(k));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      return new ExecutorTokens(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is corrupt (delete it; running executors will then be refused)");
    }
  }

  public String token(String containerId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(containerId.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  public boolean matches(String containerId, String token) {
    return MessageDigest.isEqual(token(containerId).getBytes(StandardCharsets.US_ASCII),
        token.getBytes(StandardCharsets.US_ASCII));
  }
}
