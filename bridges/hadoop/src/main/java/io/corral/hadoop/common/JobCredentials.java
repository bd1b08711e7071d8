package io.corral.hadoop.common;

import io.corral.common.security.ClientCredentials;
import io.corral.common.security.CredentialSettings;
import io.corral.common.security.TlsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;

/**
 * What a job presents to a secured Corral master, on both sides of it.
 *
 * <p>The client (job submission, and the probe of a silent AM) reads {@value #PREFIX}{@code tls.ca},
 * {@code tls.cert}, {@code tls.key}, {@code principal} and {@code secret.file} from the job's
 * configuration ({@code mapred-site.xml}, {@code -D}), else the {@code CORRAL_*} environment (see
 * {@link CredentialSettings}). The job's AM runs on an agent, where the client's files are not:
 * the client {@link #carry carries} the principal, its secret and its certificate and key in the
 * job's Hadoop {@link Credentials} (written to the submit dir, readable by the job's user only, as
 * YARN does with a job's tokens), and the AM {@link #takeOut takes them out} before the job's
 * tasks get the job's credentials, into files of its own sandbox; it trusts the agent's CA.
 * Nothing of it is on a command line, in a task's environment or in a log.
 */
public final class JobCredentials {
  /** Prefix of the settings: {@code corral.principal}, {@code corral.secret.file}, {@code corral.tls.*}. */
  public static final String PREFIX = "corral.";
  static final Text PRINCIPAL = new Text("corral.principal");
  static final Text SECRET = new Text("corral.secret");
  static final Text CERT = new Text("corral.tls.cert");
  static final Text KEY = new Text("corral.tls.key");
  /** Directory in the AM's sandbox where the carried files are written. */
  static final String AM_DIR = ".corral-credentials";

  private JobCredentials() {}

  /** The client's credentials, from the job's configuration or else the environment; files checked. */
  public static ClientCredentials client(Configuration conf) throws IOException {
    return CredentialSettings.read(PREFIX, conf::get, System.getenv());
  }

  /** Adds what the AM needs of {@code c} to the job's credentials (nothing for a cluster without security). */
  public static void carry(ClientCredentials c, Credentials job) throws IOException {
    if (c.hasSecret()) {
      job.addSecretKey(PRINCIPAL, c.principal().getBytes(StandardCharsets.UTF_8));
      job.addSecretKey(SECRET, c.secret().getBytes(StandardCharsets.UTF_8));
    }
    if (c.secure() && c.tls().hasCertificate()) {
      job.addSecretKey(CERT, Files.readAllBytes(c.tls().cert()));
      job.addSecretKey(KEY, Files.readAllBytes(c.tls().key()));
    }
  }

  /**
   * The AM's credentials: what the client carried in {@code job} (removed from it, so that the
   * job's tasks never get it), written to files under {@code dir} that only this user can read,
   * with the agent's CA ({@code CORRAL_TLS_CA} in {@code env}); else the environment's.
   */
  public static ClientCredentials takeOut(Credentials job, Path dir, Map<String, String> env) throws IOException {
    byte[] principal = remove(job, PRINCIPAL);
    byte[] secret = remove(job, SECRET);
    byte[] cert = remove(job, CERT);
    byte[] key = remove(job, KEY);
    if (secret == null && cert == null) {
      return ClientCredentials.fromEnvironment(env);
    }
    String ca = env.get(ClientCredentials.ENV_CA);
    if (ca == null || ca.isBlank()) {
      throw new IOException("the job carries Corral credentials but the AM's agent gave it no CA certificate ("
          + ClientCredentials.ENV_CA + "): is the agent secured (--security)?");
    }
    Path own = dir.resolve(AM_DIR);
    Files.createDirectories(own);
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
    Path certFile = cert == null ? null : write(own.resolve("cert.pem"), cert);
    Path keyFile = key == null ? null : write(own.resolve("key.pem"), key);
    Path secretFile = secret == null ? null : write(own.resolve("secret"), secret);
    return new ClientCredentials(new TlsFiles(Path.of(ca.trim()), certFile, keyFile),
        secret == null ? null : new String(principal, StandardCharsets.UTF_8), secretFile).check();
  }

  private static byte[] remove(Credentials job, Text alias) {
    byte[] v = job.getSecretKey(alias);
    job.removeSecretKey(alias);
    return v;
  }

  private static Path write(Path file, byte[] content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.write(file, content);
  }
}
