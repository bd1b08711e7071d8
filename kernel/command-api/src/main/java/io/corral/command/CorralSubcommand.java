package io.corral.command;

/**
 * A subcommand of {@code corral} that a module above the kernel brings: the examples' {@code example},
 * the Spark bridge's {@code spark}, the Storm bridge's {@code storm}. The CLI finds each on its
 * classpath with {@link java.util.ServiceLoader} (the module names its class in
 * {@code META-INF/services/io.corral.command.CorralSubcommand}), so it names none of them: the
 * distribution puts the modules in {@code lib/} and their commands are there.
 *
 * <p>The class is a picocli command ({@code @Command}, with a public no-argument constructor), run
 * under the same rules as the kernel's own commands: settings from {@code corral.properties} and
 * {@code CORRAL_*} variables, a bad command line or a {@link CliException} as one line on stderr.
 */
public interface CorralSubcommand {
  /**
   * The command that {@code corral --help} lists this one right after: one of the CLI's own (such
   * as {@code local} or {@code bundle}) or another contributed one. Where it names no command,
   * this one comes after all the others.
   */
  String listedAfter();
}
