package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.controller.sandbox.SandboxView;
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
    Route<ExecRequest, ExecEvent> exec =
        new Route<>(
            ProcessesGrpcClient.Exec,
            first -> {
              if (!first.hasStart()) {
                throw GrpcErrors.invalid("the first Exec message must be start");
              }
              return first.getStart().getSandboxId();
            },
            (sandbox, first) ->
                first.toBuilder()
                    .setStart(
                        first.getStart().toBuilder()
                            .clearEnv()
                            .putAllEnv(withSandboxEnv(sandbox, first.getStart().getEnvMap())))
                    .build(),
            sandbox ->
                Optional.of(
                    ExecEvent.newBuilder()
                        .setExited(
                            Exited.newBuilder()
                                .setExitCode(128 + SIGKILL)
                                .setSignal(SIGKILL)
                                .setOomKilled(true))
                        .build()));
    Route<RunRequest, RunResult> run =
        new Route<>(
            ProcessesGrpcClient.Run,
            RunRequest::getSandboxId,
            (sandbox, request) ->
                request.toBuilder()
                    .clearEnv()
                    .putAllEnv(withSandboxEnv(sandbox, request.getEnvMap()))
                    .build(),
            sandbox ->
                Optional.of(
                    RunResult.newBuilder()
                        .setExitCode(128 + SIGKILL)
                        .setSignal(SIGKILL)
                        .setOomKilled(true)
                        .build()));
    forwarder.bind(server, ProcessesGrpcService.Exec, exec);
    forwarder.bind(server, ProcessesGrpcService.Run, run);
    forwarder.bind(
        server,
        ProcessesGrpcService.Connect,
        Route.plain(ProcessesGrpcClient.Connect, ConnectRequest::getSandboxId));
    forwarder.bind(
        server,
        ProcessesGrpcService.List,
        Route.plain(ProcessesGrpcClient.List, ListProcessesRequest::getSandboxId));
    forwarder.bind(
        server,
        ProcessesGrpcService.Signal,
        Route.plain(ProcessesGrpcClient.Signal, SignalRequest::getSandboxId));
  }

  /** The sandbox's environment with the call's own on top. */
  private static Map<String, String> withSandboxEnv(
      SandboxView sandbox, Map<String, String> callEnv) {
    Map<String, String> env = new HashMap<>(sandbox.env());
    env.putAll(callEnv);
    return env;
  }
}
