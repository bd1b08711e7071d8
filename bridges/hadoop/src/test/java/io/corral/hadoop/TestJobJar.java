package io.corral.hadoop;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds the test job jar from {@code src/test/jobs}: those classes are on no classpath, so the
 * tasks can only load them from the job jar the job ships (as with a user's own jar).
 */
final class TestJobJar {
  static final String MAIN_CLASS = "io.corral.hadoop.jobs.TestJobs";

  private TestJobJar() {}

  static Path build(Path sources, Path jar) throws IOException {
    Path classes = Files.createTempDirectory(jar.getParent(), "test-jobs-classes");
    List<String> files;
    try (var walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), "--release", "17", "-nowarn"));
    args.addAll(files);
    if (javac.run(null, null, null, args.toArray(new String[0])) != 0) {
      throw new IOException("cannot compile the test jobs in " + sources);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
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
