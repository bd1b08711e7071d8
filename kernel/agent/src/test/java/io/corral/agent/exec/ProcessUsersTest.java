package io.corral.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.fetcher.FetchUser;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskInfo;
import org.junit.jupiter.api.Test;

class ProcessUsersTest {
  private static final FrameworkInfo ANALYTICS = FrameworkInfo.newBuilder().setId("f1").setUser("alice").build();

  private static TaskInfo task(String user) {
    return TaskInfo.newBuilder().setTaskId("t1").setCommand(CommandInfo.newBuilder().setValue("id").setUser(user))
        .build();
  }

  @Test
  void aCommandsOwnUserComesBeforeItsFrameworks() {
    assertThat(ProcessUsers.named(ANALYTICS, CommandInfo.getDefaultInstance())).isEqualTo("alice");
    assertThat(ProcessUsers.named(ANALYTICS, CommandInfo.newBuilder().setUser("bob").build())).isEqualTo("bob");
    assertThat(ProcessUsers.named(FrameworkInfo.getDefaultInstance(), CommandInfo.getDefaultInstance())).isEmpty();
  }

  @Test
  void theCommandExecutorIsToldTheUserOnlyWhenTheAgentSwitches() {
    ProcessUsers switching = new ProcessUsers(true);
    assertThat(switching.deliverable(ANALYTICS, task("")).getCommand().getUser()).isEqualTo("alice");
    assertThat(switching.deliverable(ANALYTICS, task("bob")).getCommand().getUser()).isEqualTo("bob");

    ProcessUsers not = new ProcessUsers(false);
    assertThat(not.deliverable(ANALYTICS, task("")).getCommand().getUser()).isEmpty();
    assertThat(not.deliverable(ANALYTICS, task("bob")).getCommand().getUser()).isEmpty();
    TaskInfo custom = TaskInfo.newBuilder().setTaskId("t2").build();
    assertThat(switching.deliverable(ANALYTICS, custom)).isSameAs(custom);
  }

  @Test
  void filesAreFetchedForTheProcesssUserWithItsPermissionsOnlyWhenTheAgentSwitches() {
    CommandInfo bobs = CommandInfo.newBuilder().setUser("bob").build();
    assertThat(new ProcessUsers(true).fetchUser(ANALYTICS, bobs)).isEqualTo(new FetchUser("bob", true));
    assertThat(new ProcessUsers(true).fetchUser(ANALYTICS, CommandInfo.getDefaultInstance()))
        .isEqualTo(new FetchUser("alice", true));
    assertThat(new ProcessUsers(false).fetchUser(ANALYTICS, bobs)).isEqualTo(FetchUser.agent("bob"));
  }
}
