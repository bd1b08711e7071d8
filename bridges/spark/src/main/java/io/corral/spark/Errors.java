package io.corral.spark;

import org.apache.spark.SparkException;

/** Throwing Spark's (checked, in Java's eyes) exception from methods Scala declared without it. */
final class Errors {
  private Errors() {}

  /** A {@link SparkException} with {@code message}, thrown unchecked; never returns. */
  static RuntimeException spark(String message) {
    throw Errors.<RuntimeException>sneaky(new SparkException(message));
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
