package io.corral.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.fetcher.hdfs.HdfsCopy;
import io.corral.fetcher.hdfs.HdfsCopyContract;
import io.corral.fetcher.hdfs.MiniHdfs;
import io.corral.fetcher.hdfs.MiniHdfsExtension;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Hadoop lives in the helper's JVM, not in the agent's. This test JVM has Hadoop on its
 * classpath (the minicluster), so the agent's side is run in a class loader that cannot see it:
 * this module's classes, the test classes and SLF4J, with the platform class loader as parent.
 * There HdfsDownloader still fetches from HDFS, because the helper process has Hadoop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(MiniHdfsExtension.class)
class HadoopIsolationTest {

  @Test
  void hdfsDownloaderFetchesFromAClassLoaderWithoutHadoop(MiniHdfs hdfs) throws Exception {
    byte[] content = "an executor bundle".getBytes(StandardCharsets.UTF_8);
    hdfs.write("/isolation/bundle.tgz", content);
    Path dest = hdfs.newDir("isolation").resolve("bundle.tgz");
    var helper = hdfs.helper(Map.of());

    try (URLClassLoader agent = new URLClassLoader("agent-without-hadoop",
        new URL[] {url(HdfsDownloader.class), url(IsolatedFetch.class), url(LoggerFactory.class)},
        ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("org.apache.hadoop.fs.FileSystem", false, agent))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> probe = Class.forName(IsolatedFetch.class.getName(), true, agent);
      Method fetch = probe.getMethod("fetch", List.class, Map.class, String.class, String.class, long.class);

      long bytes = invoke(fetch, helper.command(), helper.environment(), hdfs.hdfs("/isolation/bundle.tgz").toString(),
          dest.toString(), 1000L);

      assertThat(bytes).isEqualTo(content.length);
      assertThat(Files.readAllBytes(dest)).isEqualTo(content);
      assertThat(probe.getClassLoader()).isSameAs(agent);
      assertThat(Class.forName(HdfsDownloader.class.getName(), false, agent).getClassLoader()).isSameAs(agent);
    }
  }

  /**
   * The dynamic test above covers the paths it runs; this covers every path: no class the agent
   * loads (this package, and the helper's contract) names a Hadoop class in its constant pool.
   */
  @Test
  void agentSideClassesDoNotReferToHadoop() throws IOException {
    Path classes = Path.of(MiniHdfs.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .resolveSibling("classes");
    Path fetcher = classes.resolve("io/corral/fetcher");
    List<Path> agentSide;
    try (Stream<Path> files = Files.list(fetcher)) {
      agentSide = Stream.concat(files.filter(p -> p.toString().endsWith(".class")),
          Stream.of(classFile(classes, HdfsCopyContract.class))).toList();
    }

    assertThat(agentSide).contains(classFile(classes, HdfsDownloader.class), classFile(classes, HdfsClient.class));
    assertThat(agentSide).allSatisfy(file -> assertThat(mentionsHadoop(file)).as("%s names Hadoop", file).isFalse());
    assertThat(mentionsHadoop(classes.resolve("io/corral/fetcher/hdfs/HdfsFiles.class"))).isTrue(); // the check sees them
    assertThat(mentionsHadoop(classFile(classes, HdfsCopy.class))).isFalse(); // main sets up logging before Hadoop loads
  }

  private static Path classFile(Path classes, Class<?> type) {
    return classes.resolve(type.getName().replace('.', '/') + ".class");
  }

  private static boolean mentionsHadoop(Path classFile) throws IOException {
    return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("org/apache/hadoop");
  }

  private static URL url(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  private static long invoke(Method method, Object... args) throws Exception {
    try {
      return (long) method.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
