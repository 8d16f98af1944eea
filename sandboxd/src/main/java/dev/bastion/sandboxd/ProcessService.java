package dev.bastion.sandboxd;

import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ListProcessesResponse;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.api.v1.SignalResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The bastion.v1.Processes service: Exec, Run, Connect, List and Signal. */
final class ProcessService {

  private static final Logger LOG = Logger.getLogger(ProcessService.class.getName());
  private static final int MAX_SIGNAL = 64;

  private final Vertx vertx;
  private final SandboxdConfig config;
  private final WorkspacePaths paths;
  private final Spawner spawner;
  private final ProcessTable table = new ProcessTable();

  ProcessService(Vertx vertx, SandboxdConfig config, WorkspacePaths paths, Spawner spawner) {
    this.vertx = vertx;
    this.config = config;
    this.paths = paths;
    this.spawner = spawner;
  }

  void bind(GrpcServer server) {
    server.callHandler(
        ProcessesGrpcService.Exec, request -> new ExecSession(this, request).start());
    server.callHandler(ProcessesGrpcService.Run, this::run);
    server.callHandler(ProcessesGrpcService.Connect, this::connect);
    GrpcErrors.unary(
        server,
        ProcessesGrpcService.List,
        r ->
            Future.succeededFuture(
                ListProcessesResponse.newBuilder().addAllProcesses(table.list()).build()));
    GrpcErrors.unary(server, ProcessesGrpcService.Signal, this::signal);
  }

  /** Validates a start request against this server's limits and defaults. */
  LaunchSpec spec(
      List<String> argv,
      Map<String, String> env,
      String cwd,
      long timeoutSeconds,
      Optional<TerminalSize> terminal)
      throws StatusException {
    return LaunchSpec.of(argv, env, cwd, timeoutSeconds, terminal, config);
  }

  /**
   * Starts a process (on a spawner thread), registers it and hands its events to {@code owner},
   * beginning with {@code started}.
   */
  Future<ManagedProcess> launch(
      LaunchSpec spec, String tag, OutputCap cap, ProcessListener owner, boolean keepStdinOpen) {
    try {
      table.reserveTag(tag);
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(spawner.submit(launcher -> spawn(spec, launcher)), context)
        .recover(ProcessService::asStatus)
        .map(
            spawned -> {
              ManagedProcess managed =
                  new ManagedProcess(
                      spawned.process(),
                      spawned.io(),
                      tag,
                      spec.argv(),
                      cap,
                      new ReplayBuffer(config.replayBufferBytes()),
                      context);
              table.add(managed);
              managed.start(owner, spec.timeoutSeconds(), keepStdinOpen);
              return managed;
            })
        .onFailure(e -> table.releaseTag(tag));
  }

  /** A started child and its standard streams. */
  private record Spawned(Child process, ProcessIo io) {}

  private Spawned spawn(LaunchSpec spec, Spawner.Launcher launcher)
      throws StatusException, SpawnFailure {
    ChildSpec child = spec.toChild(paths, config.processDefaults());
    if (spec.terminal().isEmpty()) {
      Child process = launcher.start(child, Stdio.PIPES);
      return new Spawned(process, new PipedIo(process));
    }
    PseudoTerminal terminal;
    try {
      terminal = PseudoTerminal.open(spec.terminal().get());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not open a pseudo-terminal", e);
      throw new StatusException(GrpcStatus.INTERNAL, "could not open a pseudo-terminal");
    }
    try {
      // The process opens its terminal as its own user, and may open it again by name (ttyname),
      // as on any login.
      config.runAs().own(terminal.slaveDevice().toPath());
      return new Spawned(
          launcher.start(child, Stdio.terminal(terminal.slaveDevice().getPath())), terminal);
    } catch (IOException e) {
      terminal.close();
      LOG.log(Level.WARNING, "could not hand the pseudo-terminal to the process's user", e);
      throw new StatusException(GrpcStatus.INTERNAL, "could not open a pseudo-terminal");
    } catch (SpawnFailure | RuntimeException e) {
      terminal.close();
      throw e;
    }
  }

  /**
   * What a client is told when a process could not start: why, when it is something about the
   * command (a spawn failure names it); nothing internal otherwise.
   */
  static <T> Future<T> asStatus(Throwable failure) {
    if (failure instanceof StatusException status) {
      return Future.failedFuture(status);
    }
    if (failure instanceof SpawnFailure spawn) {
      return Future.failedFuture(
          new StatusException(GrpcStatus.FAILED_PRECONDITION, spawn.getMessage()));
    }
    LOG.log(Level.WARNING, "could not start a process", failure);
    return Future.failedFuture(
        new StatusException(GrpcStatus.INTERNAL, "could not start the process"));
  }

  private void run(GrpcServerRequest<RunRequest, RunResult> request) {
    Promise<ManagedProcess> launched = Promise.promise();
    request
        .last()
        .compose(
            run -> {
              LaunchSpec spec;
              try {
                spec =
                    spec(
                        run.getArgvList(),
                        run.getEnvMap(),
                        run.getCwd(),
                        run.getTimeoutSeconds(),
                        Optional.empty());
              } catch (StatusException e) {
                return Future.failedFuture(e);
              }
              long cap =
                  run.getMaxOutputBytes() > 0 ? run.getMaxOutputBytes() : config.runOutputCap();
              RunCollector collector = new RunCollector();
              launch(spec, "", OutputCap.perStream(cap), collector, true)
                  .onSuccess(
                      process -> {
                        launched.complete(process);
                        process
                            .writeStdin(run.getStdin())
                            .onComplete(written -> process.closeStdin());
                      })
                  .onFailure(launched::fail);
              return launched.future().compose(process -> collector.result());
            })
        .onComplete(result -> GrpcErrors.reply(request.response(), result));
    // The client gave up: nobody will read the result, so stop the work.
    GrpcErrors.whenClientGone(request, () -> launched.future().onSuccess(ManagedProcess::kill));
  }

  private void connect(GrpcServerRequest<ConnectRequest, ExecEvent> request) {
    request
        .last()
        .onSuccess(
            connect -> {
              ManagedProcess process;
              try {
                process =
                    find(
                        connect.getTargetCase() == ConnectRequest.TargetCase.TAG,
                        connect.getPid(),
                        connect.getTag());
              } catch (StatusException e) {
                GrpcErrors.fail(request.response(), e);
                return;
              }
              // Allow a watcher to lag by the replay window: it can reconnect and lose nothing.
              EventStream events = eventStream(request.response(), config.replayBufferBytes());
              GrpcErrors.whenClientGone(
                  request,
                  () -> {
                    process.detach(events);
                    events.close();
                  });
              process.attach(events);
            })
        .onFailure(e -> GrpcErrors.fail(request.response(), e));
  }

  /** A stream of a process's events to one client, with keepalives while it is quiet. */
  EventStream eventStream(GrpcServerResponse<?, ExecEvent> response, long maxLagBytes) {
    return new EventStream(
        vertx, response, maxLagBytes, Duration.ofSeconds(config.keepaliveSeconds()));
  }

  private Future<SignalResponse> signal(SignalRequest signal) {
    try {
      if (signal.getSignal() < 1 || signal.getSignal() > MAX_SIGNAL) {
        throw GrpcErrors.invalid("signal must be between 1 and " + MAX_SIGNAL);
      }
      ManagedProcess process =
          find(
              signal.getTargetCase() == SignalRequest.TargetCase.TAG,
              signal.getPid(),
              signal.getTag());
      if (!process.running()) {
        throw new StatusException(
            GrpcStatus.FAILED_PRECONDITION, "process " + process.pid() + " has already exited");
      }
      return process.signal(signal.getSignal()).map(SignalResponse.getDefaultInstance());
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  private ManagedProcess find(boolean byTag, int pid, String tag) throws StatusException {
    if (byTag) {
      return table.byTag(tag).orElseThrow(() -> GrpcErrors.notFound("no process with tag " + tag));
    }
    if (pid <= 0) {
      throw GrpcErrors.invalid("pid or tag is required");
    }
    return table.byPid(pid).orElseThrow(() -> GrpcErrors.notFound("no process with pid " + pid));
  }
}
