package io.corral.cli;

import java.io.IOException;
import java.io.LineNumberReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when the command line does not give it, highest first:
 *
 * <ol>
 *   <li>the command line ({@code corral master --offer-timeout 1min});
 *   <li>an environment variable {@code CORRAL_<COMMAND>_<OPTION>}
 *       ({@code CORRAL_MASTER_OFFER_TIMEOUT=1min}, {@code CORRAL_AGENT_DRAIN_GRACE=10s});
 *   <li>{@code corral.properties} in the conf dir ({@code -Dcorral.conf.dir}, which {@code bin/corral}
 *       sets to {@code $CORRAL_CONF_DIR} or {@code conf/}): {@code master.offer-timeout=1min};
 *   <li>the built-in default.
 * </ol>
 *
 * Options every command that has them shares ({@link #SHARED}: {@code master}, {@code security},
 * {@code tls-dir}, ...) may also be given once, without a command: {@code security=true} in the file
 * or {@code CORRAL_SECURITY=true} turns security on for the master, the agents and the CLI alike, and
 * {@code master=zk://...} or {@code CORRAL_MASTER} names the master for every command that takes
 * {@code --master}. A command's own key wins over the shared one.
 *
 * <p>Keys of the file must name an option of a command ({@code <command>[.<subcommand>].<option>});
 * anything else is an error, so a typo cannot be silently ignored. Environment variables are many
 * and shared with other programs, so those that name no option are left alone.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
  static final String FILE = "corral.properties";
  /**
   * Options whose value is the same for every command: the cluster's master ({@code master=} or
   * {@code CORRAL_MASTER}, for every command that takes {@code --master}), the services framework's URL
   * ({@code services=} or {@code CORRAL_SERVICES}, for the {@code corral app} commands) and security.
   */
  static final Set<String> SHARED =
      Set.of("master", "services", "security", "tls-dir", "credentials", "acls", "principal", "secret-file");

  private final Map<String, String> file;
  private final Path source;
  private final Map<String, String> env;

  private Settings(Map<String, String> file, Path source, Map<String, String> env) {
    this.file = file;
    this.source = source;
    this.env = env;
  }

  /** Reads {@code corral.properties} of {@code confDir} (if any) and checks its keys against {@code cli}. */
  static Settings load(CommandLine cli, Path confDir, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    Path path = confDir == null ? null : confDir.resolve(FILE);
    if (path != null && Files.isRegularFile(path)) {
      Set<String> known = keys(cli.getCommandSpec());
      try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        LineNumberReader lines = new LineNumberReader(r);
        Properties props = new Properties();
        props.load(lines);
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
          if (!known.contains(key)) {
            unknown.add(key);
          }
          values.put(key, props.getProperty(key).trim());
        }
        if (!unknown.isEmpty()) {
          throw new SettingsException(path + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown) + " (keys are <command>.<option>, e.g. master.offer-timeout, "
              + "agent.resources; see conf/corral.properties)");
        }
      } catch (IOException e) {
        throw new SettingsException("cannot read " + path + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new SettingsException(path + ": malformed: " + e.getMessage());
      }
    }
    return new Settings(values, path, env);
  }

  /** Every key the file may hold: one per long option of every command, help and version left out. */
  static Set<String> keys(CommandSpec root) {
    Set<String> out = new TreeSet<>(SHARED);
    collect(root, out);
    return out;
  }

  private static void collect(CommandSpec spec, Set<String> out) {
    if (spec.parent() != null) {
      for (OptionSpec o : spec.options()) {
        if (!o.usageHelp() && !o.versionHelp() && o.longestName().startsWith("--")) {
          out.add(key(spec, o));
        }
      }
    }
    for (CommandLine sub : spec.subcommands().values()) {
      collect(sub.getCommandSpec(), out);
    }
  }

  /** {@code master.offer-timeout}, {@code agent.drain.grace}. */
  static String key(CommandSpec command, OptionSpec option) {
    String path = command.qualifiedName(".");
    String prefix = command.root().name() + ".";
    String name = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    return name + "." + option.longestName().substring(2);
  }

  /** {@code CORRAL_MASTER_OFFER_TIMEOUT} for {@code master.offer-timeout}. */
  static String envName(String key) {
    return "CORRAL_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.command().parent() == null
        || !option.longestName().startsWith("--")) {
      return null;
    }
    String key = key(option.command(), option);
    String fromEnv = env.get(envName(key));
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    if (file.containsKey(key)) {
      return file.get(key);
    }
    String shared = option.longestName().substring(2);
    if (SHARED.contains(shared)) {
      String sharedEnv = env.get(envName(shared));
      if (sharedEnv != null && !sharedEnv.isBlank()) {
        return sharedEnv.trim();
      }
      return file.get(shared);
    }
    return null;
  }

  /** Where the file was looked for (for messages). */
  Path source() {
    return source;
  }

  /** A settings file that cannot be used: one line, exit code 2. */
  static final class SettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SettingsException(String message) {
      super(message, null, false, false);
    }
  }
}
