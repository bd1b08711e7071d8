package io.corral.bridges.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A user's application jar built at test time from sources that are on no classpath (so the
 * cluster can only load them from the jar the application ships): compiled with the JDK's
 * compiler against {@code classpath}, then packed.
 */
public final class SourceJar {
  private SourceJar() {}

  /**
   * @param mainClass the manifest's Main-Class, or null for none
   */
  public static Path build(Path sources, String classpath, String mainClass, Path jar) throws IOException {
    Path classes = Files.createTempDirectory(jar.getParent(), "classes");
    List<String> files;
    try (var walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", classpath, "--release", "17",
        "-nowarn"));
    args.addAll(files);
    if (javac.run(null, null, null, args.toArray(new String[0])) != 0) {
      throw new IOException("cannot compile the sources in " + sources);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        var walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
        Files.copy(p, (OutputStream) out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
