package io.corral.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSettingsTest {
  private static final String P = "spark.corral.";

  @Test
  void withoutSettingsTheEnvironmentDecides() throws IOException {
    assertThat(CredentialSettings.read(P, Map.<String, String>of()::get, Map.of())).isEqualTo(ClientCredentials.NONE);
    assertThat(CredentialSettings.read(P, Map.of(P + "principal", " ")::get, Map.of()))
        .isEqualTo(ClientCredentials.NONE);
  }

  @Test
  void aSettingWithoutACaAnywhereNamesTheCaSetting() {
    assertThatThrownBy(() -> CredentialSettings.read(P, Map.of(P + "principal", "etl", P + "secret.file", "/s")::get,
        Map.of())).isInstanceOf(IOException.class).hasMessageStartingWith("spark.corral.tls.ca is not set");
  }

  @Test
  void halfAPairNamesTheOtherHalf() {
    Map<String, String> env = Map.of(ClientCredentials.ENV_CA, "/ca.pem");
    assertThatThrownBy(() -> CredentialSettings.read(P, Map.of(P + "principal", "etl")::get, env))
        .hasMessage("spark.corral.principal is set but not spark.corral.secret.file");
    assertThatThrownBy(() -> CredentialSettings.read(P, Map.of(P + "secret.file", "/s")::get, env))
        .hasMessage("spark.corral.secret.file is set but not spark.corral.principal");
    assertThatThrownBy(() -> CredentialSettings.read(P, Map.of(P + "tls.cert", "/c.pem")::get, env))
        .hasMessage("spark.corral.tls.cert is set but not spark.corral.tls.key");
  }

  @Test
  void theCaComesFromTheEnvironmentWhenOnlyTheSecretIsSetAndMissingFilesAreNamed(@TempDir Path dir)
      throws IOException {
    Path secret = Files.writeString(dir.resolve("etl.secret"), "s3cret\n");
    Map<String, String> env = Map.of(ClientCredentials.ENV_CA, dir.resolve("agent-ca.pem").toString());
    assertThatThrownBy(() -> CredentialSettings.read(P, Map.of(P + "principal", "etl",
        P + "secret.file", secret.toString())::get, env))
        .hasMessageContaining("CA certificate " + dir.resolve("agent-ca.pem") + " does not exist");
    assertThatThrownBy(() -> CredentialSettings.read(P, Map.of(P + "principal", "etl",
        P + "secret.file", dir.resolve("nope").toString(), P + "tls.ca", secret.toString())::get, env))
        .hasMessageContaining(secret + ": not a PEM certificate file");
  }
}
