package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.metrics.StreamKind;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The Processes service, forwarded to the sandbox's sandboxd. */
public final class ProcessesApi implements Service {

  /** What a process killed with its whole sandbox for lack of memory reports: SIGKILL. */
  private static final int SIGKILL = 9;

  private final SandboxdForwarder forwarder;

  public ProcessesApi(SandboxdForwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public ServiceName name() {
    return ProcessesGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return ProcessesGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    forwarder.bind(
        server, descriptor(), ProcessesGrpcService.Exec, exec("process.exec", StreamKind.EXEC, 0));
    forwarder.bind(server, descriptor(), ProcessesGrpcService.Run, run("process.run", 0));
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.Connect,
        Route.plain(
            ProcessesGrpcClient.Connect,
            ConnectRequest::getSandboxId,
            request -> ToolCall.of("process.connect")));
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.List,
        Route.plain(
            ProcessesGrpcClient.List,
            ListProcessesRequest::getSandboxId,
            request -> ToolCall.of("process.list")));
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.Signal,
        Route.plain(
            ProcessesGrpcClient.Signal,
            SignalRequest::getSandboxId,
            request -> ToolCall.of("process.signal")));
  }

  /**
   * How an Exec is forwarded, decided as the tool {@code tool} and counted as {@code kind}.
   *
   * @param defaultTimeoutSeconds the timeout of an Exec that asks for none (0: sandboxd's default),
   *     lowered to maxExecSeconds where a policy sets it
   */
  static Route<ExecRequest, ExecEvent> exec(
      String tool, StreamKind kind, long defaultTimeoutSeconds) {
    return Route.process(
        ProcessesGrpcClient.Exec,
        first -> {
          if (!first.hasStart()) {
            throw GrpcErrors.invalid("the first Exec message must be start");
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
  static Route<RunRequest, RunResult> run(String tool, long defaultTimeoutSeconds) {
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
