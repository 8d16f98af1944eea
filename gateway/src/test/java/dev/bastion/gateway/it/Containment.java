package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * Attacks on the host's resources that a sandbox must absorb on its own, shared by the ITs that run
 * them: each one spends (and stops) the sandbox it is given.
 */
final class Containment {

  private Containment() {}

  /**
   * Allocates 2 GiB in {@code victim} (its limit is 512 MiB): the process is reported killed for
   * lack of memory, the sandbox FAILED, and it refuses further work.
   */
  static void memoryBomb(Channel as, String victim) {
    RunResult result =
        Api.run(as, victim, "python3", "-c", "x = bytearray(2 * 1024 * 1024 * 1024)");
    assertThat(result.getOomKilled()).isTrue();
    Sandbox sandbox =
        Api.call(as, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(victim).build());
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.FAILED);
    assertThat(sandbox.getMessage()).startsWith("out of memory");
    GatewayIT.assertStatus(
        () -> Api.run(as, victim, "true"), Status.Code.FAILED_PRECONDITION, "failed");
  }

  /**
   * Forks without end in {@code victim}: the call ends UNAVAILABLE naming the process limit, the
   * sandbox FAILED, and {@code bystander} (another sandbox) still runs commands.
   */
  static void forkBomb(Channel as, String victim, String bystander) throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    StreamObserver<ExecRequest> requests = GatewayIT.exec(as, recorder);
    requests.onNext(GatewayIT.start(victim, "sh", "-c", "f() { f | f & }; f; sleep 60"));
    requests.onCompleted();
    assertThatThrownBy(() -> recorder.await(120))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e.getCause()).getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE))
        .hasMessageContaining("process limit");
    Sandbox sandbox =
        Api.call(as, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(victim).build());
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.FAILED);
    assertThat(sandbox.getMessage()).startsWith("process limit reached");
    assertThat(Api.run(as, bystander, "true").getExitCode())
        .as("other sandboxes are unharmed")
        .isZero();
  }
}
