package io.corral.common.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * Why a server could not listen on its address, in words a user acts on: the port is taken, it
 * needs privileges, or the host has no such address. Netty reports these as native errors
 * ({@code bind(..) failed with error(-98): Address already in use}) under a generic message.
 */
public final class ListenFailure {
  private ListenFailure() {}

  /** {@code e} as a {@link BindException} saying what is wrong with {@code address}, or {@code e} if it is not a bind error. */
  public static IOException of(InetSocketAddress address, IOException e) {
    String where = address.getHostString() + ":" + address.getPort();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      String why = m.contains("Address already in use") ? "the port is already in use"
          : m.contains("Permission denied") ? "permission denied (ports below 1024 need root)"
          : m.contains("Cannot assign requested address") ? "this host has no such address"
          : null;
      if (why != null) {
        BindException b = new BindException("cannot listen on " + where + ": " + why);
        b.initCause(e);
        return b;
      }
    }
    return e;
  }
}
