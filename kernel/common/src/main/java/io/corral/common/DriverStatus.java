package io.corral.common;

/** Where a scheduler or executor driver stands; every driver command returns it. */
public enum DriverStatus {
  DRIVER_NOT_STARTED,
  DRIVER_RUNNING,
  DRIVER_ABORTED,
  DRIVER_STOPPED
}
