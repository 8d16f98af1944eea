package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirLockTest {

  @Test
  void aSecondServerOnTheSameStateDirIsRefusedUntilTheFirstStops(@TempDir Path dir) {
    Path state = dir.resolve("state");
    StateDirLock first = StateDirLock.acquire(state);
    assertThatThrownBy(() -> StateDirLock.acquire(state))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("another Bastion server is using the state directory");
    first.close();
    StateDirLock.acquire(state).close();
  }
}
