package io.corral.services.app;

/** Which tasks go first when an app is scaled down (Marathon's {@code killSelection}). */
public enum KillSelection {
  YOUNGEST_FIRST, OLDEST_FIRST
}
