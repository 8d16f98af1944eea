package dev.bastion.gateway.access;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.metrics.StreamKind;
import dev.bastion.gateway.status.CallStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The routes of the Processes methods that start a process, shared by the gRPC front end, which
 * forwards them, and the gateway's own calls (MCP tools, terminals), which make them.
 */
public final class ProcessRoutes {

  /** What a process killed with its whole sandbox for lack of memory reports: SIGKILL. */
  private static final int SIGKILL = 9;

  private ProcessRoutes() {}

  /**
   * How an Exec is forwarded, decided as the tool {@code tool} and counted as {@code kind}.
   *
   * @param defaultTimeoutSeconds the timeout of an Exec that asks for none (0: sandboxd's default),
   *     lowered to maxExecSeconds where a policy sets it
   */
  public static Route<ExecRequest, ExecEvent> exec(
      String tool, StreamKind kind, long defaultTimeoutSeconds) {
    return Route.process(
        ProcessesGrpcClient.Exec,
        first -> {
          if (!first.hasStart()) {
            throw CallStatus.invalid("the first Exec message must be start");
          }
          return first.getStart().getSandboxId();
        },
        first -> {
          ExecStart start = first.getStart();
          return ToolCall.process(tool, start.getArgvList(), start.getEnvMap(), start.getCwd(), 0);
        },
        (sandbox, limits, first) -> {
          ExecStart start = first.getStart();
          return first.toBuilder()
              .setStart(
                  start.toBuilder()
                      .clearEnv()
                      .putAllEnv(withSandboxEnv(sandbox, start.getEnvMap()))
                      .setTimeoutSeconds(
                          RequestLimits.timeoutSeconds(
                              start.getTimeoutSeconds(), defaultTimeoutSeconds, limits))
                      .setMaxOutputBytes(
                          RequestLimits.outputBytes(start.getMaxOutputBytes(), limits)))
              .build();
        },
        sandbox ->
            Optional.of(
                ExecEvent.newBuilder()
                    .setExited(
                        Exited.newBuilder()
                            .setExitCode(128 + SIGKILL)
                            .setSignal(SIGKILL)
                            .setOomKilled(true))
                    .build()),
        kind,
        request -> request.getStdin().size(),
        event -> event.getStdout().size() + event.getStderr().size() + event.getPty().size());
  }

  /**
   * How a Run is forwarded, decided as the tool {@code tool}.
   *
   * @param defaultTimeoutSeconds the timeout of a Run that asks for none (0: none), lowered to
   *     maxExecSeconds where a policy sets it
   */
  public static Route<RunRequest, RunResult> run(String tool, long defaultTimeoutSeconds) {
    return Route.process(
        ProcessesGrpcClient.Run,
        RunRequest::getSandboxId,
        request ->
            ToolCall.process(
                tool,
                request.getArgvList(),
                request.getEnvMap(),
                request.getCwd(),
                request.getStdin().size()),
        (sandbox, limits, request) ->
            request.toBuilder()
                .clearEnv()
                .putAllEnv(withSandboxEnv(sandbox, request.getEnvMap()))
                .setTimeoutSeconds(
                    RequestLimits.timeoutSeconds(
                        request.getTimeoutSeconds(), defaultTimeoutSeconds, limits))
                .setMaxOutputBytes(RequestLimits.outputBytes(request.getMaxOutputBytes(), limits))
                .build(),
        sandbox ->
            Optional.of(
                RunResult.newBuilder()
                    .setExitCode(128 + SIGKILL)
                    .setSignal(SIGKILL)
                    .setOomKilled(true)
                    .build()),
        StreamKind.EXEC,
        request -> request.getStdin().size(),
        result -> result.getStdout().size() + result.getStderr().size());
  }

  /** The sandbox's environment with the call's own on top. */
  private static Map<String, String> withSandboxEnv(
      SandboxView sandbox, Map<String, String> callEnv) {
    Map<String, String> env = new HashMap<>(sandbox.env());
    env.putAll(callEnv);
    return env;
  }
}
