package io.corral.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest (falls back to "dev" when run from classes). */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = CorralMain.class.getPackage().getImplementationVersion();
    return new String[] {"corral " + (v == null ? "dev" : v)};
  }
}
