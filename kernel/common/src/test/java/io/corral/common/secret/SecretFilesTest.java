package io.corral.common.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.EnvironmentVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir Path tmp;
  private Path dir;
  private SecretFiles secrets;

  @BeforeEach
  void files() throws Exception {
    dir = Files.createDirectories(tmp.resolve("secrets"));
    Files.writeString(dir.resolve("db-password"), "s3cr3t\n");
    Files.createDirectories(dir.resolve("team-a"));
    Files.writeString(dir.resolve("team-a/token"), "abc");
    Files.writeString(tmp.resolve("outside"), "not a secret of the agent");
    secrets = SecretFiles.in(dir);
  }

  @Test
  void aSecretIsItsFileWithoutTheTrailingNewline() throws Exception {
    assertThat(secrets.read("db-password")).isEqualTo("s3cr3t");
    assertThat(secrets.read("team-a/token")).isEqualTo("abc");
    assertThat(secrets.read("./team-a/token")).isEqualTo("abc");
  }

  @Test
  void variablesGetTheirValuesOrTheirSecrets() throws Exception {
    Map<String, String> env = new HashMap<>();
    secrets.putAll(List.of(EnvironmentVariable.newBuilder().setName("PLAIN").setValue("v").build(),
        EnvironmentVariable.newBuilder().setName("DB").setSecretFile("db-password").build()), env);
    assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of("PLAIN", "v", "DB", "s3cr3t"));
  }

  @Test
  void namesThatLeadOutAreRefused() {
    assertThatThrownBy(() -> secrets.read("../outside"))
        .hasMessage("secret_file '../outside' leads out of the agent's secrets directory");
    assertThatThrownBy(() -> secrets.read("team-a/../../outside"))
        .hasMessage("secret_file 'team-a/../../outside' leads out of the agent's secrets directory");
    assertThatThrownBy(() -> secrets.read(tmp.resolve("outside").toString()))
        .hasMessageContaining("is not a relative path in the agent's secrets directory");
    assertThatThrownBy(() -> secrets.read("")).hasMessage("secret_file is empty");
    assertThat(SecretFiles.invalidName("team-a/token")).isNull();
  }

  @Test
  void aSymbolicLinkOutIsRefusedOneInsideIsFollowed() throws Exception {
    Files.createSymbolicLink(dir.resolve("escape"), tmp.resolve("outside"));
    Files.createSymbolicLink(dir.resolve("team-a/escape-dir"), tmp);
    Files.createSymbolicLink(dir.resolve("alias"), dir.resolve("db-password"));

    assertThatThrownBy(() -> secrets.read("escape")).isInstanceOf(SecretException.class)
        .hasMessage("secret_file 'escape' leads out of the agent's secrets directory (a symbolic link to elsewhere)");
    assertThatThrownBy(() -> secrets.read("team-a/escape-dir/outside"))
        .hasMessageContaining("leads out of the agent's secrets directory");
    assertThat(secrets.read("alias")).isEqualTo("s3cr3t");
  }

  @Test
  void aMissingFileADirectoryOrNoSecretsDirectoryFailWithTheirReason() throws Exception {
    assertThatThrownBy(() -> secrets.read("nope"))
        .hasMessage("secret_file 'nope' does not exist in the agent's secrets directory");
    assertThatThrownBy(() -> secrets.read("team-a")).hasMessage("secret_file 'team-a' is not a file");
    assertThatThrownBy(() -> SecretFiles.none().read("db-password"))
        .hasMessage("secret_file 'db-password': this agent has no secrets directory (--secrets-dir)");
    Map<String, String> env = new HashMap<>();
    assertThatThrownBy(() -> secrets.putAll(List.of(
        EnvironmentVariable.newBuilder().setName("DB").setSecretFile("nope").build()), env))
        .hasMessage("environment variable DB: secret_file 'nope' does not exist in the agent's secrets directory");
  }

  @Test
  void aHugeFileIsNoSecretAndTheMessageNeverHoldsTheValue() throws Exception {
    Files.write(dir.resolve("huge"), new byte[SecretFiles.MAX_BYTES + 1]);
    assertThatThrownBy(() -> secrets.read("huge")).hasMessage("secret_file 'huge' is larger than 64 KiB");
    Files.writeString(dir.resolve("nul"), "s3cr3t\0");
    assertThatThrownBy(() -> secrets.read("nul")).hasMessage("secret_file 'nul' contains a NUL character")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }
}
