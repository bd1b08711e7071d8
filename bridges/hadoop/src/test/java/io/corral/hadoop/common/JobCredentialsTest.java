package io.corral.hadoop.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.certs.CertificateAuthority;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCredentialsTest {
  @TempDir
  Path dir;

  @Test
  void aSecretAndACertificateTravelInTheJobsCredentialsToTheAmAndNoFurther() throws Exception {
    Path client = dir.resolve("client");
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));
    ca.save(client);
    ca.issue(client, "etl", List.of(), Duration.ofDays(1));
    Path secret = Files.writeString(client.resolve("etl.secret"), "etl-secret\n");
    Configuration conf = new Configuration(false);
    conf.set("corral.tls.ca", client.resolve("ca.pem").toString());
    conf.set("corral.principal", "etl");
    conf.set("corral.secret.file", secret.toString());
    ClientCredentials withSecret = JobCredentials.client(conf);
    ClientCredentials withCert = new ClientCredentials(TlsFiles.inDir(client, "etl"), null, null);

    Path agentCa = Files.copy(client.resolve("ca.pem"), dir.resolve("agent-ca.pem"));
    Map<String, String> amEnv = Map.of(ClientCredentials.ENV_CA, agentCa.toString());
    for (ClientCredentials c : List.of(withSecret, withCert)) {
      Credentials job = new Credentials();
      JobCredentials.carry(c, job);
      Path sandbox = Files.createDirectories(dir.resolve("am-" + (c.hasSecret() ? "secret" : "cert")));
      ClientCredentials am = JobCredentials.takeOut(job, sandbox, amEnv);
      assertThat(job.numberOfSecretKeys()).as("left for the job's tasks").isZero();
      assertThat(am.tls().ca()).isEqualTo(agentCa);
      assertThat(am.principal()).isEqualTo(c.principal());
      if (c.hasSecret()) {
        assertThat(am.secret()).isEqualTo("etl-secret");
        assertThat(am.tls().hasCertificate()).isFalse();
      } else {
        assertThat(Files.readString(am.tls().cert())).isEqualTo(Files.readString(c.tls().cert()));
        assertThat(Files.readString(am.tls().key())).isEqualTo(Files.readString(c.tls().key()));
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sandbox.resolve(JobCredentials.AM_DIR))))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void withoutCarriedCredentialsTheAmUsesItsEnvironmentAndAMissingFileFailsTheClient() throws Exception {
    assertThat(JobCredentials.takeOut(new Credentials(), dir, Map.of())).isEqualTo(ClientCredentials.NONE);
    Configuration conf = new Configuration(false);
    conf.set("corral.tls.ca", dir.resolve("ca.pem").toString());
    assertThatThrownBy(() -> JobCredentials.client(conf)).hasMessageContaining("CA certificate " + dir.resolve("ca.pem")
        + " does not exist");
  }
}
