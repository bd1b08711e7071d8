package io.corral.executor.health;

import io.corral.executor.CheckProcesses;
import io.corral.protocol.HealthCheck;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** The probe a health check names: HTTP, TCP or COMMAND. */
public final class Probes {
  private Probes() {}

  /** The probe of {@code check} (valid, as the master checked), its checks timed out after {@code timeout}. */
  public static Probe of(HealthCheck check, Duration timeout, HttpClient http, Executor workers,
      CheckProcesses processes) {
    return switch (check.getType()) {
      case HTTP -> new HttpProbe(check.getHttp(), http, timeout);
      case TCP -> new TcpProbe(check.getTcp().getPort(), timeout, workers);
      case COMMAND -> new CommandProbe(check.getCommand(), processes, workers);
      case TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("health check without a type");
    };
  }

  /**
   * The HTTP client of the checks: HTTP/1.1, no redirects followed (a 3xx passes), and HTTPS without
   * verifying the certificate or the host name (Mesos' HTTPS checks do not either).
   */
  public static HttpClient httpClient(Executor workers) {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new TrustingManager()}, new SecureRandom());
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
          .sslContext(tls).executor(workers).build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
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
