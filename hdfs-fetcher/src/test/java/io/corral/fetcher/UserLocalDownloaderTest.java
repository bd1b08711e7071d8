package io.corral.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.user.UserAccount;
import io.corral.fetcher.UserLocalDownloader.Outcome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the process that reads a local file as the task's user reports, turned into the one line
 * the task's status carries; and what such a read is cached under. No process runs here
 * ({@link FetcherAsUserTest} runs them).
 */
class UserLocalDownloaderTest {
  private static final Path SHADOW = Path.of("/etc/shadow");

  private static String failure(int exitCode, String... stderr) {
    return new Outcome(exitCode, List.of(stderr)).failure(SHADOW, "nobody", 10);
  }

  @Test
  void whatTheUserMayNotReadIsPermissionDeniedForThatUser() {
    // stat could not even look (a directory on the way is closed to the user)
    assertThat(failure(2, "stat: cannot statx '/etc/shadow': Permission denied"))
        .isEqualTo("cannot read /etc/shadow as user nobody: permission denied");
    // stat could, head could not open it (0600 root in an open directory)
    assertThat(failure(1, "size:631", "head: cannot open '/etc/shadow' for reading: Permission denied"))
        .isEqualTo("cannot read /etc/shadow as user nobody: permission denied");
    assertThat(failure(1, "size:631", "head: error reading '/etc/shadow': Input/output error"))
        .isEqualTo("cannot read /etc/shadow as user nobody: input/output error");
  }

  @Test
  void missingFilesDirectoriesAndOtherKindsAreSaidAsForTheAgent() {
    assertThat(failure(2, "stat: cannot statx '/etc/shadow': No such file or directory"))
        .isEqualTo("no such file: /etc/shadow");
    assertThat(failure(3)).isEqualTo("is a directory, not a file: /etc/shadow");
    assertThat(failure(4)).isEqualTo("not a regular file: /etc/shadow");
    assertThat(failure(5, "size:11")).isEqualTo("too large: 11 bytes, the limit is 10");
  }

  @Test
  void aProcessThatCouldNotRunSaysWhy() {
    assertThat(failure(127, "setpriv: failed to execute /bin/sh: No such file or directory"))
        .isEqualTo("cannot read /etc/shadow as user nobody: the reading process exited with status 127 "
            + "(setpriv: failed to execute /bin/sh: No such file or directory)");
    assertThat(failure(137)).isEqualTo("cannot read /etc/shadow as user nobody: the reading process exited "
        + "with status 137");
    assertThat(failure(1)).isEqualTo("cannot read /etc/shadow as user nobody: exit status 1");
  }

  @Test
  void theSizeIsWhatStatSaw() {
    assertThat(new Outcome(0, List.of("size:42")).size()).hasValue(42);
    assertThat(new Outcome(0, List.of("size:0")).size()).hasValue(0);
    assertThat(new Outcome(2, List.of("stat: cannot statx 'size:1': Permission denied")).size()).isEmpty();
    assertThat(new Outcome(0, List.of("size:lots")).size()).isEmpty();
  }

  @Test
  void readsAreCachedPerUid() {
    FetcherConfig config = FetcherFixture.config(Path.of("/unused"), 0);
    UserAccount alice = new UserAccount("alice", 1001, 1001, "/home/alice");
    UserAccount renamed = new UserAccount("alice", 1002, 1002, "/home/alice");
    assertThat(new UserLocalDownloader(alice, config).readsAs()).isEqualTo("uid 1001");
    assertThat(new UserLocalDownloader(renamed, config).readsAs()).isEqualTo("uid 1002");
    assertThat(new LocalDownloader(config).readsAs()).isEmpty();
  }
}
