package io.corral.fetcher;

import io.corral.protocol.CommandURI;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@link CommandURI}, checked and with its defaults applied: where it comes from, the name
 * it gets in the sandbox, and what to do with it.
 *
 * @param value the URI as given (used in messages and in the cache key)
 * @param uri the parsed source; plain absolute paths become {@code file:} URIs
 * @param outputName the file's name in the sandbox: {@code output_file}, or the URI's last path element
 * @param extract unpack it into the sandbox (only ever true for a recognised archive)
 * @param executable chmod +x the fetched file
 * @param cache keep it in the agent's cache
 * @param sha256 expected SHA-256 of the downloaded bytes, lower-case hex, or null
 */
record FetchPlan(String value, URI uri, String outputName, boolean extract, boolean executable, boolean cache,
    String sha256) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  /** @param uri {@code command}'s value, {@linkplain Downloaders#parse parsed} */
  static FetchPlan of(CommandURI command, URI uri) throws FetchException {
    String value = command.getValue();
    String name = command.getOutputFile().isEmpty() ? lastPathElement(value, uri) : command.getOutputFile();
    checkName(value, name);
    boolean executable = command.hasExecutable() && command.getExecutable();
    // Like Mesos: archives are unpacked unless asked not to (or asked to make the archive executable).
    boolean extract = Archives.isArchive(name) && (command.hasExtract() ? command.getExtract() : !executable);
    String sha256 = command.getSha256().isBlank() ? null : command.getSha256().strip();
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw new FetchException(value, "invalid sha256 '" + sha256 + "': expected 64 hex digits");
    }
    return new FetchPlan(value, uri, name, extract, executable, command.getCache(),
        sha256 == null ? null : sha256.toLowerCase(Locale.ROOT));
  }

  /** A plain file name: no directories, nothing that climbs out of the sandbox. */
  static void checkName(String value, String name) throws FetchException {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.indexOf('\0') >= 0) {
      throw new FetchException(value, "invalid output file name '" + name
          + "': must be a plain file name (no '/', not '.' or '..', not empty)");
    }
  }

  private static String lastPathElement(String value, URI uri) throws FetchException {
    String path = value.startsWith("/") ? value : uri.getPath();
    String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty()) {
      throw new FetchException(value, "cannot name the fetched file after the URI (its path has no last element): "
          + "set output_file");
    }
    return name;
  }
}
