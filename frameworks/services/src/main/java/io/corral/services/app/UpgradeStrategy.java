package io.corral.services.app;

/**
 * How a rolling restart or upgrade may proceed (Marathon's {@code upgradeStrategy}).
 *
 * @param minimumHealthCapacity the fraction of {@code instances} that must stay healthy (0..1)
 * @param maximumOverCapacity the fraction of {@code instances} that may run on top (0..1)
 */
public record UpgradeStrategy(double minimumHealthCapacity, double maximumOverCapacity) {
  /** Marathon's default: keep every instance healthy, start up to twice as many meanwhile. */
  public static final UpgradeStrategy DEFAULT = new UpgradeStrategy(1.0, 1.0);
}
