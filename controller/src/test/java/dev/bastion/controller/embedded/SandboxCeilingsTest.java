package dev.bastion.controller.embedded;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxCeilingsTest {

  private final SandboxCeilings ceilings =
      new SandboxCeilings(1L << 30, 1000, 256L << 20, 2L << 30, 0);

  @Test
  void aSandboxAtEveryCeilingPasses() {
    assertThatCode(
            () ->
                ceilings.check(spec(new SandboxLimits(1L << 30, 4096, 1000, 256L << 20), 2L << 30)))
        .doesNotThrowAnyException();
  }

  @Test
  void everyCeilingPassedIsNamedWithItsFlag() {
    assertThatThrownBy(
            () ->
                ceilings.check(spec(new SandboxLimits(8L << 30, 4096, 2000, 512L << 20), 1L << 40)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("memory 8Gi is over 1Gi (--max-sandbox-memory)")
        .hasMessageContaining("cpu 2000m is over 1000m (--max-sandbox-cpu)")
        .hasMessageContaining("/tmp (ephemeral-storage) 512Mi is over 256Mi (--max-sandbox-tmp)")
        .hasMessageContaining("/workspace 1024Gi is over 2Gi (--max-sandbox-workspace)");
  }

  private static LocalSandboxSpec spec(SandboxLimits limits, long workspaceBytes) {
    return new LocalSandboxSpec(
        RuntimeKind.GVISOR, ImageChoice.builtIn(), limits, Map.of(), workspaceBytes);
  }
}
