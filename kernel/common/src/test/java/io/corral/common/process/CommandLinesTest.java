package io.corral.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.CommandInfo;
import org.junit.jupiter.api.Test;

class CommandLinesTest {

  @Test
  void theShellIsTheDefault() {
    CommandInfo c = CommandInfo.newBuilder().setValue("echo $HOME | wc -c").build();
    assertThat(CommandLines.argv(c)).containsExactly("/bin/sh", "-c", "echo $HOME | wc -c");
  }

  @Test
  void anExplicitShellIgnoresArguments() {
    CommandInfo c = CommandInfo.newBuilder().setValue("ls").setShell(true).addArguments("x").build();
    assertThat(CommandLines.argv(c)).containsExactly("/bin/sh", "-c", "ls");
  }

  @Test
  void withoutShellValueIsTheProgramAndArgumentZeroIsItsName() {
    CommandInfo c = CommandInfo.newBuilder()
        .setShell(false)
        .setValue("/usr/bin/env")
        .addArguments("env")
        .addArguments("-i")
        .addArguments("a b")
        .build();
    assertThat(CommandLines.argv(c)).containsExactly("/usr/bin/env", "-i", "a b");
  }

  @Test
  void withoutShellAndValueArgumentZeroIsTheProgram() {
    CommandInfo c = CommandInfo.newBuilder()
        .setShell(false)
        .addArguments("sleep")
        .addArguments("5")
        .build();
    assertThat(CommandLines.argv(c)).containsExactly("sleep", "5");
  }

  @Test
  void withoutShellAProgramAloneHasNoArguments() {
    CommandInfo c = CommandInfo.newBuilder().setShell(false).setValue("/bin/true").build();
    assertThat(CommandLines.argv(c)).containsExactly("/bin/true");
  }
}
