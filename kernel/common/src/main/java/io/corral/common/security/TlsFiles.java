package io.corral.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PEM files a process uses for TLS: the CA it trusts, and its own certificate chain and
 * PKCS#8 key (absent for a client that authenticates otherwise, e.g. with a secret).
 *
 * <p>{@code corral certs init} writes them as {@code <dir>/ca.pem}, {@code <dir>/<name>.pem} and
 * {@code <dir>/<name>-key.pem}; see {@link #inDir}.
 */
public record TlsFiles(Path ca, Path cert, Path key) {
  public TlsFiles {
    if (ca == null) {
      throw new IllegalArgumentException("TLS needs a CA certificate file");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a TLS certificate needs its key, and a key its certificate");
    }
  }

  /** The CA, certificate and key {@code corral certs init} wrote for {@code name} into {@code dir}. */
  public static TlsFiles inDir(Path dir, String name) {
    return new TlsFiles(dir.resolve("ca.pem"), dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
  }

  /** Only a CA to trust: a client without a certificate of its own. */
  public static TlsFiles trusting(Path ca) {
    return new TlsFiles(ca, null, null);
  }

  public boolean hasCertificate() {
    return cert != null;
  }

  /** Fails with a message naming the file unless every file exists and parses. */
  public TlsFiles check() throws IOException {
    requireReadable(ca, "CA certificate");
    Pem.certificates(ca);
    if (cert != null) {
      requireReadable(cert, "certificate");
      requireReadable(key, "private key");
      Pem.certificates(cert);
      Pem.privateKey(key);
    }
    return this;
  }

  private static void requireReadable(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IOException(what + " " + file + " does not exist or cannot be read"
          + " (make one with: corral certs init)");
    }
  }

  /** A JDK TLS context with these files: for the HTTP server, and for HTTP clients. */
  public SSLContext sslContext() throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      List<X509Certificate> cas = Pem.certificates(ca);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (cert != null) {
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        PrivateKey pk = Pem.privateKey(key);
        keys.setKeyEntry("self", pk, password, Pem.certificates(cert).toArray(new X509Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS with " + this + ": " + e.getMessage(), e);
    }
  }
}
