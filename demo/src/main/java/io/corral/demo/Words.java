package io.corral.demo;

import java.util.Map;
import java.util.TreeMap;

/** The text the demo's Hadoop job counts: line {@code i} is sentence {@code i % 5}, so the counts are known. */
final class Words {
  static final String[] SENTENCES = {
      "the cow jumped over the moon", "an apple a day keeps the doctor away",
      "four score and seven years ago", "snow white and the seven dwarfs", "i am at two with nature"};

  private Words() {}

  static String line(long i) {
    return SENTENCES[(int) (i % SENTENCES.length)];
  }

  /** Each word's count in lines {@code 0..lines-1}. */
  static Map<String, Long> counts(long lines) {
    Map<String, Long> m = new TreeMap<>();
    for (int s = 0; s < SENTENCES.length; s++) {
      long times = lines / SENTENCES.length + (s < lines % SENTENCES.length ? 1 : 0);
      for (String w : SENTENCES[s].split(" ")) {
        m.merge(w, times, Long::sum);
      }
    }
    return m;
  }
}
