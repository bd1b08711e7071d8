package io.corral.daemon;

import io.corral.command.CliException;
import io.corral.common.net.Advertisement;
import io.corral.common.net.Machine;

/**
 * The daemons' one rule for addresses: {@code --host} is what they bind (every interface by
 * default), {@code --advertise-host} what others are told ({@link Advertisement} chooses it when not
 * given), and {@code --advertise-port}/{@code --advertise-http-port} the ports others are told when a
 * NAT forwards other ones.
 */
final class Addresses {
  /** What {@code corral master} and {@code corral agent} bind by default. */
  static final String EVERY_INTERFACE = "0.0.0.0";

  private Addresses() {}

  /**
   * The host {@code daemon} advertises, after one line on stdout saying which and why, and a warning
   * on stderr when other machines cannot reach it there.
   *
   * @throws CliException (exit 2) when the host given to advertise is a wildcard address or empty
   */
  static String advertise(String daemon, String bindHost, String advertiseHost) {
    Advertisement a;
    try {
      a = Advertisement.choose(bindHost, advertiseHost, Machine.THIS);
    } catch (IllegalArgumentException e) {
      throw new CliException(2, e.getMessage());
    }
    System.out.println(a.line(bindHost));
    System.out.flush();
    a.warning(daemon).ifPresent(System.err::println);
    return a.host();
  }

  /** An advertised port: 0 (the one bound) when not given. */
  static int port(String option, Integer port) {
    if (port == null) {
      return 0;
    }
    if (port < 1 || port > 65535) {
      throw new CliException(2, option + " " + port + ": a port is 1 to 65535");
    }
    return port;
  }
}
