package io.corral.hadoop.client;

import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.common.FinalStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.v2.api.MRClientProtocol;
import org.apache.hadoop.net.NetUtils;
import org.apache.hadoop.yarn.ipc.YarnRPC;

/**
 * Finds a job's AM by job id (the address it published in the staging area) and talks to its
 * {@code MRClientProtocol}; once the AM is gone, the job's final status file answers instead.
 */
final class AmClient implements AutoCloseable {
  /** What to ask the AM; the fallback answers from the final status (or null before the AM is up). */
  interface Call<T> {
    T apply(MRClientProtocol am) throws IOException;
  }

  private final Configuration conf;
  private final String user;
  private final Map<JobID, MRClientProtocol> proxies = new ConcurrentHashMap<>();
  private final Map<JobID, FinalStatus> finals = new ConcurrentHashMap<>();
  private final Map<JobID, Long> refusedSince = new ConcurrentHashMap<>();
  private final Map<JobID, String> trackingUrls = new ConcurrentHashMap<>();

  AmClient(Configuration conf, String user) {
    this.conf = new Configuration(conf);
    // A gone AM should cost one quick failed connect, not YARN's minutes of retries.
    this.conf.setInt(CommonConfigurationKeysPublic.IPC_CLIENT_CONNECT_MAX_RETRIES_KEY, 1);
    this.conf.setInt(CommonConfigurationKeysPublic.IPC_CLIENT_CONNECT_MAX_RETRIES_ON_SOCKET_TIMEOUTS_KEY, 1);
    this.user = user;
  }

  /** The job's final status, when it has ended and its AM wrote one. */
  FinalStatus finalStatus(JobID id) throws IOException {
    FinalStatus f = finals.get(id);
    if (f == null) {
      Path file = CorralMr.finalStatusFile(conf, user, id);
      f = FinalStatus.read(file.getFileSystem(conf), file);
      if (f != null) {
        finals.put(id, f);
      }
    }
    return f;
  }

  /**
   * Asks the running AM; returns null when there is no AM to ask (not up yet, gone: see
   * {@link #finalStatus}, or refusing connections: see {@link #refusedMillis}).
   */
  <T> T ask(JobID id, Call<T> call) throws IOException {
    if (finals.containsKey(id)) {
      return null;
    }
    MRClientProtocol am = proxy(id);
    if (am == null) {
      return null;
    }
    try {
      T answer = call.apply(am);
      refusedSince.remove(id);
      return answer;
    } catch (IOException | RuntimeException e) {
      proxies.remove(id);
      if (finalStatus(id) != null) {
        return null;
      }
      if (refused(e)) {
        refusedSince.putIfAbsent(id, System.currentTimeMillis());
        return null;
      }
      if (dropped(e)) {
        return null; // the connection broke (the AM may just have died): the next call tells
      }
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  /** The job's page on its AM's web UI, once the AM published it; "" until then or without a UI. */
  String trackingUrl(JobID id) {
    return trackingUrls.getOrDefault(id, "");
  }

  /** How long the AM's published address has refused connections (0 if it has not). */
  long refusedMillis(JobID id) {
    Long since = refusedSince.get(id);
    return since == null ? 0 : System.currentTimeMillis() - since;
  }

  /** Whether the AM has published its address (it does once its services run). */
  boolean published(JobID id) throws IOException {
    Path file = CorralMr.amAddressFile(conf, user, id);
    return file.getFileSystem(conf).exists(file);
  }

  /** The AM's port is closed: its JVM is gone (a live AM closes it only after its final status). */
  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  private static boolean dropped(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.EOFException || t instanceof java.net.SocketException
          || t instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private MRClientProtocol proxy(JobID id) throws IOException {
    MRClientProtocol p = proxies.get(id);
    if (p != null) {
      return p;
    }
    Path file = CorralMr.amAddressFile(conf, user, id);
    FileSystem fs = file.getFileSystem(conf);
    if (!fs.exists(file)) {
      return null;
    }
    String[] lines;
    try (InputStream in = fs.open(file)) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
    }
    String address = lines[0].trim();
    if (address.isEmpty()) {
      return null; // the AM has created the file but not closed it yet
    }
    trackingUrls.put(id, lines.length > 1 ? lines[1].trim() : "");
    p = (MRClientProtocol) YarnRPC.create(conf).getProxy(MRClientProtocol.class, NetUtils.createSocketAddr(address),
        conf);
    proxies.put(id, p);
    return p;
  }

  @Override
  public void close() {
    YarnRPC rpc = YarnRPC.create(conf);
    proxies.values().forEach(p -> rpc.stopProxy(p, conf));
    proxies.clear();
  }
}
