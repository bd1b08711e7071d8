package io.corral.hadoop.client;

import io.corral.hadoop.common.CorralMr;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.hadoop.mapreduce.protocol.ClientProtocol;
import org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider;

/**
 * Hadoop's SPI for {@code mapreduce.framework.name}: answers only for {@code corral}, so the
 * other providers (local, yarn) keep working. Unlike the local provider it leaves
 * {@code mapreduce.job.maps} alone.
 */
public final class CorralClientProtocolProvider extends ClientProtocolProvider {

  @Override
  public ClientProtocol create(Configuration conf) throws IOException {
    if (!CorralMr.FRAMEWORK_NAME.equals(conf.get(MRConfig.FRAMEWORK_NAME))) {
      return null;
    }
    if (conf.get(CorralMr.MASTER) == null) {
      throw new IOException(CorralMr.MASTER + " is not set: where is the Corral master (host:port or zk://...)?");
    }
    return new CorralClientProtocol(conf);
  }

  @Override
  public ClientProtocol create(InetSocketAddress addr, Configuration conf) throws IOException {
    return create(conf);
  }

  @Override
  public void close(ClientProtocol clientProtocol) throws IOException {
    if (clientProtocol instanceof CorralClientProtocol c) {
      c.close();
    }
  }
}
