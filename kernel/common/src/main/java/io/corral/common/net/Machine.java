package io.corral.common.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a machine knows of its own network: its name, what names resolve to, and the addresses of
 * its interfaces. {@link Advertisement#choose} decides from this alone, so that tests can give it
 * any machine; {@link #THIS} is the one the process runs on.
 */
public interface Machine {
  /** This host's name as the system reports it ({@code hostname}), if it has one. */
  Optional<String> name();

  /** The addresses {@code host} resolves to here (a literal address is its own); empty when it does not. */
  List<InetAddress> resolve(String host);

  /** The addresses of the interfaces that are up, interface by interface in the system's order. */
  List<InterfaceAddress> addresses();

  /** One address of one network interface ({@code eth0}, {@code 10.0.0.5}). */
  record InterfaceAddress(String iface, InetAddress address) {}

  /** The machine this process runs on. */
  Machine THIS = new Machine() {
    @Override
    public Optional<String> name() {
      Path kernel = Path.of("/proc/sys/kernel/hostname"); // the name itself, without resolving it
      try {
        if (Files.isReadable(kernel)) {
          String name = Files.readString(kernel).trim();
          return name.isEmpty() ? Optional.empty() : Optional.of(name);
        }
        return Optional.of(InetAddress.getLocalHost().getHostName());
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    @Override
    public List<InetAddress> resolve(String host) {
      try {
        return List.of(InetAddress.getAllByName(host));
      } catch (UnknownHostException | SecurityException e) {
        return List.of();
      }
    }

    @Override
    public List<InterfaceAddress> addresses() {
      List<InterfaceAddress> out = new ArrayList<>();
      try {
        for (NetworkInterface i : NetworkInterface.networkInterfaces()
            .sorted(Comparator.comparingInt(NetworkInterface::getIndex)).toList()) {
          if (i.isUp()) {
            i.inetAddresses().forEach(a -> out.add(new InterfaceAddress(i.getName(), a)));
          }
        }
      } catch (SocketException e) {
        // no interfaces to tell of: the choice falls back to loopback, and says so
      }
      return out;
    }
  };
}
