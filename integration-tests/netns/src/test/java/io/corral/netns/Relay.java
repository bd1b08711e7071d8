package io.corral.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A learning Ethernet switch for the hosts' VXLAN devices, run in the test JVM, that delays every
 * frame it forwards and drops some at random: what {@code tc qdisc ... netem delay 200ms loss 5%}
 * does on each host's link, on kernels built without netem. Each host's VXLAN device sends every
 * frame here (its only remote); the relay learns which host has which MAC address and forwards
 * each frame to its host (broadcasts and unknown addresses to every other host) after the delay,
 * unless the frame is one of those lost.
 */
final class Relay implements AutoCloseable {
  static final int PORT = 4789;
  private static final int VXLAN_HEADER = 8;

  private final DatagramChannel channel;
  private final List<InetAddress> hosts = new CopyOnWriteArrayList<>();
  private final Map<Long, InetAddress> macs = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor sender = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "relay-send");
    t.setDaemon(true);
    return t;
  });
  private final Random random = new Random(23);
  private final Thread receiver;
  private volatile long delayNanos;
  private volatile double loss;
  final AtomicLong forwarded = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();

  /** A relay listening on {@code address}:{@value #PORT}. */
  Relay(String address) {
    try {
      channel = DatagramChannel.open().bind(new InetSocketAddress(address, PORT));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + PORT + " for VXLAN", e);
    }
    receiver = new Thread(this::receive, "relay-receive");
    receiver.setDaemon(true);
    receiver.start();
  }

  /** A host whose VXLAN device listens on its {@code address}. */
  void addHost(String address) {
    try {
      hosts.add(InetAddress.getByName(address));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on each frame waits {@code delay} and is lost with probability {@code loss}. */
  void shape(Duration delay, double loss) {
    this.delayNanos = delay.toNanos();
    this.loss = loss;
  }

  private void receive() {
    ByteBuffer in = ByteBuffer.allocate(65536);
    while (channel.isOpen()) {
      in.clear();
      InetSocketAddress from;
      try {
        from = (InetSocketAddress) channel.receive(in);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue;
      }
      in.flip();
      if (in.remaining() < VXLAN_HEADER + 12) {
        continue;
      }
      long dst = mac(in, VXLAN_HEADER);
      long src = mac(in, VXLAN_HEADER + 6);
      macs.put(src, from.getAddress());
      InetAddress to = (dst & (1L << 40)) == 0 ? macs.get(dst) : null; // the group bit: broadcast or multicast
      byte[] frame = new byte[in.remaining()];
      in.get(frame);
      if (to != null) {
        forward(frame, to);
      } else {
        for (InetAddress h : hosts) {
          if (!h.equals(from.getAddress())) {
            forward(frame, h);
          }
        }
      }
    }
  }

  private static long mac(ByteBuffer b, int at) {
    long m = 0;
    for (int i = 0; i < 6; i++) {
      m = (m << 8) | (b.get(at + i) & 0xff);
    }
    return m;
  }

  private void forward(byte[] frame, InetAddress to) {
    double p = loss;
    boolean lost;
    synchronized (random) {
      lost = p > 0 && random.nextDouble() < p;
    }
    if (lost) {
      dropped.incrementAndGet();
      return;
    }
    Runnable send = () -> {
      try {
        channel.send(ByteBuffer.wrap(frame), new InetSocketAddress(to, PORT));
        forwarded.incrementAndGet();
      } catch (IOException e) {
        // closed, or the host is gone: the frame is lost, as on a wire
      }
    };
    long delay = delayNanos;
    if (delay == 0) {
      send.run();
    } else {
      sender.schedule(send, delay, TimeUnit.NANOSECONDS); // equal delays keep the frames' order
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
