package io.corral.common.secret;

import io.corral.protocol.EnvironmentVariable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's secrets: files in one directory (its {@code --secrets-dir}) that environment variables
 * name with {@code secret_file}. A file is read only as the process that gets it starts, and only
 * from inside that directory: a name that is absolute, climbs out ({@code ..}) or is a symbolic link
 * that leads elsewhere fails, as does a missing file. Messages name the file, never its content.
 */
public final class SecretFiles {
  /** The largest secret read (an environment variable, not a file store). */
  public static final int MAX_BYTES = 64 * 1024;
  private static final SecretFiles NONE = new SecretFiles(null);

  private final Path dir;

  private SecretFiles(Path dir) {
    this.dir = dir;
  }

  /** The secrets in {@code dir} (null: none, every secret reference fails). */
  public static SecretFiles in(Path dir) {
    return dir == null ? NONE : new SecretFiles(dir.toAbsolutePath().normalize());
  }

  public static SecretFiles none() {
    return NONE;
  }

  public Optional<Path> dir() {
    return Optional.ofNullable(dir);
  }

  /**
   * Why {@code name} can never name a secret (empty, absolute, {@code ..}, NUL), or null if it
   * may. Needs no directory: the master checks launches with it.
   */
  public static String invalidName(String name) {
    if (name.isEmpty()) {
      return "secret_file is empty";
    }
    if (name.indexOf('\0') >= 0) {
      return "secret_file contains a NUL character";
    }
    if (name.startsWith("/")) {
      return "secret_file '" + name + "' is not a relative path in the agent's secrets directory";
    }
    for (String part : name.split("/", -1)) {
      if (part.equals("..")) {
        return "secret_file '" + name + "' leads out of the agent's secrets directory";
      }
    }
    return null;
  }

  /** The secret in file {@code name} of the directory, one trailing newline dropped. */
  public String read(String name) throws SecretException {
    String invalid = invalidName(name);
    if (invalid != null) {
      throw new SecretException(invalid);
    }
    if (dir == null) {
      throw new SecretException("secret_file '" + name + "': this agent has no secrets directory (--secrets-dir)");
    }
    Path file;
    try {
      Path root = dir.toRealPath();
      file = root.resolve(name).toRealPath();
      if (!file.startsWith(root)) {
        throw new SecretException("secret_file '" + name
            + "' leads out of the agent's secrets directory (a symbolic link to elsewhere)");
      }
    } catch (NoSuchFileException e) {
      throw new SecretException("secret_file '" + name + "' does not exist in the agent's secrets directory");
    } catch (SecretException e) {
      throw e;
    } catch (IOException e) {
      throw new SecretException("secret_file '" + name + "' cannot be read: " + e.getClass().getSimpleName(), e);
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new SecretException("secret_file '" + name + "' is not a file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new SecretException("secret_file '" + name + "' cannot be read: " + e.getClass().getSimpleName(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new SecretException("secret_file '" + name + "' is larger than " + MAX_BYTES / 1024 + " KiB");
    }
    return value(name, bytes);
  }

  private static String value(String name, byte[] bytes) throws SecretException {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new SecretException("secret_file '" + name + "' is not UTF-8 text");
    }
    if (s.indexOf('\0') >= 0) {
      throw new SecretException("secret_file '" + name + "' contains a NUL character");
    }
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Puts the variables into a process's environment: values as they are, secrets read from their
   * files. Fails on the first secret that cannot be read, naming its variable.
   */
  public void putAll(List<EnvironmentVariable> vars, Map<String, String> env) throws SecretException {
    for (EnvironmentVariable v : vars) {
      if (v.getSecretFile().isEmpty()) {
        env.put(v.getName(), v.getValue());
        continue;
      }
      try {
        env.put(v.getName(), read(v.getSecretFile()));
      } catch (SecretException e) {
        throw new SecretException("environment variable " + v.getName() + ": " + e.getMessage(), e);
      }
    }
  }
}
