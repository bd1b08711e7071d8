package io.corral.hadoop.tasktracker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.util.RunJar;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;

/**
 * The NodeManager's localizer, for one application on one agent: downloads each local resource
 * of the app's containers once (from HDFS or any Hadoop file system) into the app's file cache,
 * unpacking archives and {@code PATTERN} jars as YARN does.
 */
final class Localizer {
  private final Path appDir;
  private final Configuration conf;
  private final Map<String, Path> done = new HashMap<>();
  private int seq;

  Localizer(Path appDir, Configuration conf) {
    this.appDir = appDir;
    this.conf = conf;
  }

  /** The app's dir: LOCAL_DIRS of its containers (map output goes to its output/). */
  Path appDir() {
    return appDir;
  }

  /** The local copy of {@code resource} (a file, or a directory for archives). */
  synchronized Path localize(LocalResource resource) throws IOException {
    String key = resource.getResource().toString() + "#" + resource.getType();
    Path local = done.get(key);
    if (local != null) {
      return local;
    }
    org.apache.hadoop.fs.Path remote;
    try {
      remote = resource.getResource().toPath();
    } catch (java.net.URISyntaxException e) {
      throw new IOException("bad resource URL " + resource.getResource(), e);
    }
    Path dir = appDir.resolve("filecache").resolve(Integer.toString(++seq));
    Files.createDirectories(dir);
    Path file = dir.resolve(remote.getName());
    FileSystem fs = remote.getFileSystem(conf);
    fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(file.toUri()), true);
    LocalResourceType type = resource.getType();
    if (type == LocalResourceType.ARCHIVE) {
      local = dir.resolve(remote.getName() + ".unpacked");
      unpack(file.toFile(), local.toFile());
    } else if (type == LocalResourceType.PATTERN) {
      // YARN's layout: a directory holding the jar itself and the entries matching the pattern.
      local = dir.resolve(remote.getName() + ".dir");
      Files.createDirectories(local);
      Path jar = local.resolve(remote.getName());
      Files.move(file, jar);
      String pattern = resource.getPattern();
      if (pattern != null) {
        RunJar.unJar(jar.toFile(), local.toFile(), Pattern.compile(pattern));
      }
    } else {
      local = file;
    }
    done.put(key, local);
    return local;
  }

  private static void unpack(File archive, File dir) throws IOException {
    String name = archive.getName().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".jar")) {
      RunJar.unJar(archive, dir, RunJar.MATCH_ANY);
    } else if (name.endsWith(".zip")) {
      FileUtil.unZip(archive, dir);
    } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar")) {
      FileUtil.unTar(archive, dir);
    } else {
      throw new IOException("cannot unpack " + archive + ": unknown archive type");
    }
  }
}
