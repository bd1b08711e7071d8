package io.corral.common.detect;

import io.corral.common.net.HostPort;
import java.time.Duration;

/** A master given as host:port. */
final class StaticMasterDetector implements MasterDetector {
  private final HostPort master;

  StaticMasterDetector(HostPort master) {
    this.master = master;
  }

  @Override
  public HostPort detect(Duration timeout) {
    return master;
  }

  @Override
  public String spec() {
    return master.toString();
  }

  @Override
  public void close() {}
}
