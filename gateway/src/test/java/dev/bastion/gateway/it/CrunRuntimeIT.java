package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --runtime crun} runs the same bundle on the host kernel, with the same confinement. */
class CrunRuntimeIT {

  static final String TOKEN = "crun-token-0123456789";

  @TempDir Path dir;

  @Test
  void crunRunsTheSameSandboxOnTheHostKernel() throws Exception {
    SandboxHost.require();
    Files.writeString(dir.resolve("tokens"), TOKEN + " dave\n");
    Path state = dir.resolve("state");
    BastionServer server = SandboxHost.start(state, dir.resolve("tokens"), RuntimeKind.CRUN, 0);
    try (Api api = new Api(server.port())) {
      Channel dave = api.as(TOKEN);
      Sandbox sandbox =
          Api.call(
              dave, Api.CREATE, CreateSandboxRequest.newBuilder().setTemplate("python").build());
      assertThat(sandbox.getRuntime()).isEqualTo("crun");
      RunResult result =
          Api.call(
              dave,
              Api.RUN,
              RunRequest.newBuilder()
                  .setSandboxId(sandbox.getId())
                  .addAllArgv(
                      List.of(
                          "python3",
                          "-c",
                          "import os, socket; print(6*7, os.getuid(), sorted(n for _, n in socket.if_nameindex()))"))
                  .build());
      assertThat(result.getStdout().toStringUtf8()).isEqualTo("42 1000 ['lo']\n");
      Api.call(
          dave,
          Api.DELETE,
          DeleteSandboxRequest.newBuilder().setSandboxId(sandbox.getId()).build());
      assertThat(new ContainerRuntime(RuntimeKind.CRUN, state.resolve("crun")).list()).isEmpty();
    } finally {
      server.close();
    }
  }
}
