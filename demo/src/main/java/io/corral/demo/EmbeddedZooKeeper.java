package io.corral.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A standalone ZooKeeper server inside this JVM, on a free port of 127.0.0.1, its data under
 * {@code dir}: what {@code corral demo} uses when no ZooKeeper is given (the master's election and
 * registry, Storm's state). Not for production: one server, no quorum.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory connections) {
    this.server = server;
    this.connections = connections;
  }

  public static EmbeddedZooKeeper start(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (System.getProperty("zookeeper.maxCnxns") == null) {
      System.setProperty("zookeeper.maxCnxns", "1000"); // ZooKeeper warns when it is left at "no limit"
    }
    ZooKeeperServer server = new ZooKeeperServer(dir.toFile(), dir.toFile(), 2000);
    ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 200);
    try {
      connections.startup(server);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connections.shutdown();
      throw new IOException("interrupted while starting ZooKeeper", e);
    }
    return new EmbeddedZooKeeper(server, connections);
  }

  /** host:port, for a ZooKeeper client's connect string. */
  public String connectString() {
    return "127.0.0.1:" + connections.getLocalPort();
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown();
  }
}
