package io.corral.executor.health;

import io.corral.executor.CheckProcesses;
import io.corral.protocol.HealthCheck;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** The probe a health check names: HTTP, TCP or COMMAND. */
public final class Probes {
  private Probes() {}

  /** The probe of {@code check} (valid, as the master checked), its checks timed out after {@code timeout}. */
  public static Probe of(HealthCheck check, Duration timeout, Executor workers, CheckProcesses processes) {
    return switch (check.getType()) {
      case HTTP -> new HttpProbe(check.getHttp(), timeout, workers);
      case TCP -> new TcpProbe(check.getTcp().getPort(), timeout, workers);
      case COMMAND -> new CommandProbe(check.getCommand(), processes, workers);
      case TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("health check without a type");
    };
  }

  /**
   * The TLS of HTTPS checks: no certificate or host name is verified (Mesos' HTTPS checks do not
   * either). Made once, when the first HTTPS check asks.
   */
  static SSLSocketFactory trustingTls() {
    return TrustingTls.FACTORY;
  }

  /** Initialised on first use: most executors never check over HTTPS. */
  private static final class TrustingTls {
    static final SSLSocketFactory FACTORY = make();

    private static SSLSocketFactory make() {
      try {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustingManager()}, new SecureRandom());
        return tls.getSocketFactory();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("no TLS in this JVM", e);
      }
    }
  }

  /** Trusts every server: an extended manager, so that the host name is not checked either. */
  private static final class TrustingManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
