package io.corral.daemon;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Options whose value is a small language of its own ({@code cpus:4;mem:8192}, {@code rack:r1},
 * {@code prod=3}): checked as the command line is parsed, so a bad value is a bad command line
 * that names its option (exit 2), not a failure once the daemon runs. The value stays the text given.
 */
final class SpecChecks {
  private SpecChecks() {}

  /** {@code --resources}. */
  static final class Resources implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return check(value, () -> io.corral.common.resources.PooledResources.parse(value),
          "e.g. 'cpus:4;mem:8192;disk:20000;ports:[31000-32000]'");
    }
  }

  /** {@code --attributes}. */
  static final class Attributes implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return check(value, () -> io.corral.common.resources.Attributes.parse(value), "e.g. 'rack:r1;zone:a'");
    }
  }

  /** {@code --weights}. */
  static final class Weights implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return check(value, () -> MasterCommand.parseWeights(value), "e.g. 'analytics=1,prod=3'");
    }
  }

  /** {@code --scheduler-task-share}: a fraction of the cluster, from 0 to 1. */
  static final class Share implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double share;
      try {
        share = Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a number (a fraction of the cluster, e.g. 0.1)");
      }
      if (!(share >= 0 && share <= 1)) {
        throw new TypeConversionException("'" + value + "' is not between 0 and 1 (a fraction of the cluster, e.g. 0.1)");
      }
      return share;
    }
  }

  private static String check(String value, Runnable parse, String example) {
    try {
      parse.run();
      return value;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage() + " (" + example + ")");
    }
  }
}
