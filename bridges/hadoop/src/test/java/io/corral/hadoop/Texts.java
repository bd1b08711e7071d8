package io.corral.hadoop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Text inputs and outputs of test jobs on HDFS. */
final class Texts {
  private Texts() {}

  /**
   * Writes {@code files} files of {@code lines} lines of words under {@code dir} and returns how
   * often each word occurs ({@code distinct} different words).
   */
  static Map<String, Integer> writeWords(FileSystem fs, String dir, int files, int lines, int distinct)
      throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (int f = 0; f < files; f++) {
      try (FSDataOutputStream out = fs.create(new Path(dir, "part-" + f))) {
        for (int line = 0; line < lines; line++) {
          StringBuilder sb = new StringBuilder();
          for (int w = 0; w <= (line + f) % 5; w++) {
            String word = word((line * 7 + w * 3 + f) % distinct);
            counts.merge(word, 1, Integer::sum);
            sb.append(word).append(' ');
          }
          out.write((sb.toString().trim() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return counts;
  }

  /** Distinct words spread over the alphabet ("alpha3", "kilo12", "zulu7", ...). */
  private static String word(int i) {
    String[] stems = {"alpha", "bravo", "delta", "golf", "kilo", "mike", "november", "oscar", "romeo", "tango",
        "victor", "zulu"};
    return stems[i % stems.length] + (i / stems.length);
  }

  /** The lines of each output file matching {@code glob}, in file order. */
  static List<List<String>> parts(FileSystem fs, String glob) throws IOException {
    List<List<String>> parts = new ArrayList<>();
    FileStatus[] files = fs.globStatus(new Path(glob));
    for (FileStatus file : files == null ? new FileStatus[0] : files) {
      List<String> lines = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file.getPath()),
          StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      }
      parts.add(lines);
    }
    return parts;
  }

  /** Word counts read back from {@code word<TAB>count} lines; fails on a word seen twice. */
  static Map<String, Integer> counts(List<List<String>> parts) {
    Map<String, Integer> counts = new TreeMap<>();
    for (List<String> part : parts) {
      for (String line : part) {
        String[] kv = line.split("\t");
        if (counts.put(kv[0], Integer.parseInt(kv[1])) != null) {
          throw new AssertionError("word " + kv[0] + " appears twice in the output");
        }
      }
    }
    return counts;
  }
}
