package dev.bastion.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A download lands only where it was sent, whatever names the sandbox lists. */
class CopyCommandTest {

  private static final Path BASE = Path.of("/home/me/down");

  @Test
  void entriesUnderTheRootLandUnderTheDestination() throws Exception {
    assertThat(CopyCommand.confinedTarget(BASE, "/workspace/out", "/workspace/out/sub/y.txt"))
        .isEqualTo(Path.of("/home/me/down/sub/y.txt"));
  }

  @Test
  void namesThatWouldLeaveTheDestinationAreRefused() {
    assertThatThrownBy(
            () ->
                CopyCommand.confinedTarget(BASE, "/workspace/out", "/workspace/out/../../.bashrc"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("would land outside");
    assertThatThrownBy(() -> CopyCommand.confinedTarget(BASE, "/workspace/out", "/etc/passwd"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("not under /workspace/out");
    assertThatThrownBy(
            () -> CopyCommand.confinedTarget(BASE, "/workspace/out", "/workspace/outside/x"))
        .isInstanceOf(CliException.class);
    assertThatThrownBy(() -> CopyCommand.confinedTarget(BASE, "/workspace/out", "/workspace/out/"))
        .isInstanceOf(CliException.class);
  }
}
