package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkIdStoreTest {
  @TempDir
  Path dir;

  @Test
  void keepsAnIdUntilCleared() throws Exception {
    FrameworkIdStore store = new FrameworkIdStore(dir.resolve("sub/framework-id"));
    assertThat(store.load()).isEmpty();
    store.save("M1-F0001");
    assertThat(new FrameworkIdStore(dir.resolve("sub/framework-id")).load()).contains("M1-F0001");
    store.save("M1-F0002");
    assertThat(store.load()).contains("M1-F0002");
    try (var files = Files.list(dir.resolve("sub"))) {
      assertThat(files).as("no temporary file left").hasSize(1);
    }
    store.clear();
    assertThat(store.load()).isEmpty();
    store.clear(); // twice is fine
  }

  @Test
  void aBlankFileHoldsNoId() throws Exception {
    Files.writeString(dir.resolve("id"), " \n");
    assertThat(new FrameworkIdStore(dir.resolve("id")).load()).isEmpty();
  }
}
