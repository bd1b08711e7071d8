package io.corral.common.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The masters' ZooKeeper identity (ZooKeeper's {@code digest} scheme; a built-in framework's
 * instances have one of their own the same way), from a file holding
 * {@code user:password}: the masters authenticate with it and create their znodes (the election,
 * the agent registry) so that only that identity may change them and anyone may read them. Agents,
 * schedulers and the CLI only read the election, so they need no ZooKeeper credentials; a process
 * that can reach ZooKeeper can no longer delete the leader's node or plant a lower one.
 *
 * <p>Mesos takes the same credentials in its {@code zk://user:password@host/path} URL, which puts
 * the password on the command line; here it is only ever in the file.
 */
public record ZkDigest(String user, String password) {
  public ZkDigest {
    if (user.isEmpty() || user.contains(":")) {
      throw new IllegalArgumentException("ZooKeeper user must be non-empty and without ':'");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("ZooKeeper password is empty");
    }
  }

  /** Reads {@code user:password} (one line) from {@code file}. */
  public static ZkDigest load(Path file) throws IOException {
    String content = SecretFile.read(file);
    int colon = content.indexOf(':');
    if (colon <= 0 || colon == content.length() - 1 || content.contains("\n")) {
      throw new IOException("ZooKeeper secret file " + file + " must hold one line 'user:password'");
    }
    return new ZkDigest(content.substring(0, colon), content.substring(colon + 1));
  }

  /** What the client sends to authenticate ({@code addauth digest user:password}). */
  public byte[] authBytes() {
    return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
  }

  /** The ACL of every znode the masters create: all for this identity, read for anyone. */
  public List<ACL> acl() {
    try {
      String digest = DigestAuthenticationProvider.generateDigest(user + ":" + password);
      // Not List.of: ZooKeeper checks the list with contains(null), which List.of refuses.
      return Collections.unmodifiableList(new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
          new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "ZkDigest[" + user + "]"; // never the password
  }
}
