package io.corral.netns;

import java.util.ArrayList;
import java.util.List;

/**
 * One machine of the test network: a network namespace with one interface ({@code eth0}) on the
 * network's bridge and one address. Processes started through {@link #command} run inside it.
 *
 * @param name what the tests call it ("zk", "master-1", "agent-2")
 * @param namespace the network namespace's name
 * @param address its IPv4 address
 */
record Host(String name, String namespace, String address) {
  /** {@code argv} run inside this host's namespace. */
  List<String> command(List<String> argv) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    out.addAll(argv);
    return out;
  }

  @Override
  public String toString() {
    return name + " (" + address + ", namespace " + namespace + ")";
  }
}
