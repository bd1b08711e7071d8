package io.corral.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path dir;

  @Test
  void aPrincipalAuthenticatesWithItsSecretOnly() throws Exception {
    Credentials c = Credentials.load(Files.writeString(dir.resolve("credentials"),
        "# who may authenticate with a secret\nalice  s3cret with spaces\n\nbob b0b\n"));
    assertThat(c.authenticate("alice", "s3cret with spaces")).contains(new Identity("alice", Identity.Method.SECRET));
    assertThat(c.authenticate("alice", "b0b")).isEmpty();
    assertThat(c.authenticate("carol", "")).isEmpty();
    assertThat(c.authenticate("bob", null)).isEmpty();
    assertThat(Credentials.NONE.authenticate("alice", "s3cret with spaces")).isEmpty();
  }

  @Test
  void aMalformedLineIsAnErrorThatNeverEchoesTheSecret() throws Exception {
    Path f = Files.writeString(dir.resolve("credentials"), "alice:topsecret\n");
    assertThatThrownBy(() -> Credentials.load(f)).hasMessageContaining(":1: expected 'principal secret'")
        .hasMessageNotContaining("topsecret");
    Path twice = Files.writeString(dir.resolve("twice"), "a x\na y\n");
    assertThatThrownBy(() -> Credentials.load(twice)).hasMessageContaining("principal 'a' given twice");
  }

  @Test
  void basicAuthRoundTripsAndRefusesWhatIsNotBasicAuth() {
    String header = BasicAuth.header("alice", "pa:ss");
    assertThat(BasicAuth.parse(header)).hasValueSatisfying(p -> assertThat(p).containsExactly("alice", "pa:ss"));
    assertThat(BasicAuth.parse("Bearer abc")).isEmpty();
    assertThat(BasicAuth.parse("Basic !!!")).isEmpty();
    assertThat(BasicAuth.parse("Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes()))).isEmpty();
    assertThat(BasicAuth.parse(null)).isEmpty();
    assertThatThrownBy(() -> BasicAuth.header("a:b", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secretFilesAreReadWithoutTheirLineBreakAndMustHoldSomething() throws Exception {
    assertThat(SecretFile.read(Files.writeString(dir.resolve("s"), "abc\n"))).isEqualTo("abc");
    assertThatThrownBy(() -> SecretFile.read(Files.writeString(dir.resolve("empty"), "\n"))).hasMessageContaining("is empty");
    assertThatThrownBy(() -> SecretFile.read(dir.resolve("missing"))).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new ClientCredentials(null, "alice", dir.resolve("s")))
        .hasMessageContaining("only sent over TLS");
  }
}
