package io.corral.common.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host a process tells others to reach it at (its advertised host), and why it is that one.
 * One rule for every daemon and every process others connect to, given what it binds
 * ({@code --host}), what it was told ({@code --advertise-host}) and what the machine has:
 *
 * <ol>
 *   <li>the advertised host given, if one is; never a wildcard address ({@code 0.0.0.0}, {@code ::}),
 *       which no other machine can reach ({@link #choose} refuses it);
 *   <li>else the address it binds, when that is one address;
 *   <li>else (it binds every interface) this host's name, when the name resolves to a non-loopback
 *       address of this host;
 *   <li>else the first non-loopback address of an interface that is up: IPv4 before IPv6, never a
 *       link-local one (it would need a scope);
 *   <li>else {@code 127.0.0.1}.
 * </ol>
 *
 * A loopback address, however it was chosen, is reached from this machine only: {@link #warning}.
 *
 * @param host the advertised host: a name or an address literal (IPv6 without brackets)
 * @param why how it was chosen, for the one line a daemon prints at start-up
 * @param loopback whether it is (or resolves to nothing but) a loopback address
 */
public record Advertisement(String host, String why, boolean loopback) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /**
   * Chooses the advertised host (see the class comment).
   *
   * @param bindHost the address bound, {@code 0.0.0.0} or {@code ::} for every interface
   * @param advertiseHost the host given to advertise, or null
   * @throws IllegalArgumentException when the host given to advertise is empty or a wildcard address
   */
  public static Advertisement choose(String bindHost, String advertiseHost, Machine machine) {
    if (advertiseHost != null) {
      String given = unbracket(advertiseHost.trim());
      if (given.isEmpty() || isWildcard(given)) {
        throw new IllegalArgumentException("cannot advertise '" + advertiseHost + "': other machines cannot reach "
            + (given.isEmpty() ? "an empty host" : "a wildcard address") + "; give --advertise-host the name or "
            + "address they reach this host at");
      }
      return new Advertisement(given, "--advertise-host", isLoopback(given, machine));
    }
    String bind = unbracket(bindHost.trim());
    if (!isWildcard(bind)) {
      return new Advertisement(bind, "the address it listens on, --host", isLoopback(bind, machine));
    }
    Optional<String> name = machine.name();
    List<InetAddress> own = machine.addresses().stream().map(Machine.InterfaceAddress::address).toList();
    String nameSays;
    if (name.isEmpty()) {
      nameSays = "this host has no name";
    } else {
      List<InetAddress> resolved = machine.resolve(name.get());
      Optional<InetAddress> usable = resolved.stream()
          .filter(a -> !a.isLoopbackAddress() && !a.isAnyLocalAddress() && own.contains(a)).findFirst();
      if (usable.isPresent()) {
        return new Advertisement(name.get(), "this host's name, which resolves to " + literal(usable.get())
            + ", an address of this host", false);
      }
      nameSays = "this host's name " + name.get() + (resolved.isEmpty() ? " does not resolve"
          : resolved.stream().allMatch(InetAddress::isLoopbackAddress)
              ? " resolves to " + literal(resolved.get(0)) + ", a loopback address"
              : " resolves to " + literal(resolved.get(0)) + ", not an address of this host");
    }
    Optional<Machine.InterfaceAddress> first = machine.addresses().stream()
        .filter(a -> !a.address().isLoopbackAddress() && !a.address().isLinkLocalAddress()
            && !a.address().isAnyLocalAddress())
        .min(Comparator.comparing(a -> a.address() instanceof Inet4Address ? 0 : 1)); // stable: the first of each kind
    if (first.isPresent()) {
      return new Advertisement(literal(first.get().address()),
          "the first address of " + first.get().iface() + "; " + nameSays, false);
    }
    return new Advertisement("127.0.0.1", "this host has no address but loopback; " + nameSays, true);
  }

  /** The one line a daemon prints at start-up: {@code advertising <host> (<why>); listening on <bind>}. */
  public String line(String bindHost) {
    return "advertising " + host + " (" + why + "); listening on " + bindHost;
  }

  /** For a loopback address: one line saying that other machines cannot reach {@code who} there. */
  public Optional<String> warning(String who) {
    if (!loopback) {
      return Optional.empty();
    }
    return Optional.of("warning: advertising " + host + ", a loopback address: other machines cannot reach this "
        + who + " (give --advertise-host the name or address they reach this host at)");
  }

  /** Whether {@code host} is a wildcard address ({@code 0.0.0.0}, {@code ::}, {@code [::]}), which binds every interface. */
  public static boolean isWildcard(String host) {
    return literalAddress(unbracket(host.trim())).map(InetAddress::isAnyLocalAddress).orElse(false);
  }

  /** An address literal's address, parsed without asking DNS; empty for a name. */
  private static Optional<InetAddress> literalAddress(String host) {
    if (!IPV4.matcher(host).matches() && host.indexOf(':') < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(host)); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** A literal loopback address, or a name that resolves to loopback addresses only. */
  private static boolean isLoopback(String host, Machine machine) {
    Optional<InetAddress> literal = literalAddress(host);
    if (literal.isPresent()) {
      return literal.get().isLoopbackAddress();
    }
    List<InetAddress> resolved = machine.resolve(host);
    return !resolved.isEmpty() && resolved.stream().allMatch(InetAddress::isLoopbackAddress);
  }

  private static String literal(InetAddress a) {
    String s = a.getHostAddress();
    int scope = s.indexOf('%');
    return scope < 0 ? s : s.substring(0, scope);
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
