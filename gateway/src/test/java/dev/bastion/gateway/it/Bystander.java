package dev.bastion.gateway.it;

import static dev.bastion.gateway.it.GatewayIT.awaitCondition;
import static dev.bastion.gateway.it.GatewayIT.read;
import static dev.bastion.gateway.it.GatewayIT.start;
import static dev.bastion.gateway.it.GatewayIT.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ProcessInfo;
import dev.bastion.api.v1.Sandbox;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * A bystander's sandbox: made before the attacks with a file in its workspace and a tagged {@code
 * sleep} running, and checked after them: still READY, not recreated, its file, the same sleeper
 * and a kernel uptime that went on.
 *
 * @param id the sandbox
 * @param createdAt its creation time, in seconds
 * @param sleeperPid the pid of the tagged sleep
 * @param uptime the sandbox kernel's uptime when it was made
 * @param wallNanos {@link System#nanoTime()} at that moment
 */
record Bystander(String id, long createdAt, int sleeperPid, double uptime, long wallNanos) {

  /** Makes the bystander's sandbox as {@code owner}. */
  static Bystander make(Channel owner) throws Exception {
    Sandbox sandbox = Api.create(owner, "python");
    write(owner, sandbox.getId(), "keep.txt", "bystander's work\n");
    ExecRecorder sleeper = new ExecRecorder();
    ClientCall<ExecRequest, ExecEvent> call = owner.newCall(Api.EXEC, Api.deadline(60));
    StreamObserver<ExecRequest> requests = ClientCalls.asyncBidiStreamingCall(call, sleeper);
    requests.onNext(
        ExecRequest.newBuilder()
            .setStart(
                start(sandbox.getId(), "sleep", "86000").getStart().toBuilder()
                    .setTag("sleeper")
                    .setTimeoutSeconds(86_400))
            .build());
    awaitCondition(() -> !sleeper.events().isEmpty(), "the sleeper started");
    int pid = sleeper.events().get(0).getStarted().getPid();
    // A tagged process outlives its call.
    call.cancel("the bystander leaves it running", null);
    return new Bystander(
        sandbox.getId(),
        sandbox.getCreatedAt().getSeconds(),
        pid,
        uptime(owner, sandbox.getId()),
        System.nanoTime());
  }

  /** Checks, as {@code owner}, that nothing of the sandbox was touched. */
  void assertUnharmed(Channel owner) {
    Sandbox sandbox =
        Api.call(owner, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(id).build());
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.READY);
    assertThat(sandbox.getCreatedAt().getSeconds()).isEqualTo(createdAt);
    assertThat(read(owner, id, "keep.txt")).isEqualTo("bystander's work\n");
    List<ProcessInfo> processes =
        Api.call(
                owner,
                Api.LIST_PROCESSES,
                ListProcessesRequest.newBuilder().setSandboxId(id).build())
            .getProcessesList();
    assertThat(processes)
        .anySatisfy(
            p -> {
              assertThat(p.getTag()).isEqualTo("sleeper");
              assertThat(p.getPid()).isEqualTo(sleeperPid);
              assertThat(p.getRunning()).isTrue();
            });
    double elapsed = (System.nanoTime() - wallNanos) / 1e9;
    assertThat(uptime(owner, id))
        .as("the bystander's kernel kept running through the attacks")
        .isGreaterThan(uptime + elapsed - 5);
  }

  private static double uptime(Channel owner, String sandbox) {
    String text = Api.run(owner, sandbox, "cat", "/proc/uptime").getStdout().toStringUtf8();
    return Double.parseDouble(text.split(" ")[0]);
  }
}
