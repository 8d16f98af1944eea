package dev.bastion.sandboxd;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.sandboxd.kernel.ConnectionInfo;
import dev.bastion.sandboxd.kernel.JupyterMessage;
import dev.bastion.sandboxd.kernel.KernelClient;
import dev.bastion.sandboxd.kernel.KernelClient.Channel;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One code context: a Jupyter kernel started as the agent's user, like any process of the sandbox,
 * and sandboxd's client of its sockets. Everything but starting and stopping runs on the Vert.x
 * context that made it, so a cell's state has one owner.
 */
final class KernelContext implements KernelClient.Listener {

  private static final Logger LOG = Logger.getLogger(KernelContext.class.getName());
  private static final int SIGINT = 2;

  /** How long a kernel may take to answer its first kernel_info_request. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String id;
  private final String language;
  private final LaunchSpec spec;
  private final String cwd;
  private final Instant createdAt = Instant.now();
  private final Context context;
  private final String session = UUID.randomUUID().toString();
  private final Promise<Void> answered = Promise.promise();
  private Child process;
  private KernelClient client;
  private Path connectionDir;
  private final java.util.Set<String> infoRequests = new java.util.HashSet<>();
  private CellRun running;
  private volatile String death;

  /**
   * @param spec the kernel's environment and working directory (its argv is the kernelspec's)
   * @param cwd the working directory as clients are told it
   */
  KernelContext(String id, String language, LaunchSpec spec, String cwd, Context context) {
    this.id = id;
    this.language = language;
    this.spec = spec;
    this.cwd = cwd;
    this.context = context;
  }

  String id() {
    return id;
  }

  String language() {
    return language;
  }

  /** What the context was made with, for a restart to make the same one afresh. */
  LaunchSpec spec() {
    return spec;
  }

  boolean alive() {
    return death == null;
  }

  CodeContext describe(String sandboxId) {
    return CodeContext.newBuilder()
        .setId(id)
        .setSandboxId(sandboxId)
        .setLanguage(language)
        .setCwd(cwd)
        .setCreatedAt(createdAt.toString())
        .setAlive(alive())
        .build();
  }

  /**
   * Starts the kernel and connects to it. Blocking: call off the event loop; {@link #answered()}
   * completes once it answers.
   */
  void start(
      WorkspacePaths paths, AgentUser user, ProcessDefaults defaults, Spawner.Launcher launcher)
      throws StatusException, SpawnFailure {
    try {
      ConnectionInfo info = ConnectionInfo.fresh();
      // A directory of its own, made where no one can have put a link first; the kernel's user
      // reads the file in it, and no one else.
      connectionDir =
          Files.createTempDirectory(
              Path.of("/tmp"),
              "bastion-kernel-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path file = connectionDir.resolve("connection.json");
      Files.writeString(
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
          info.file(KernelSpecs.name(language)).encode(),
          StandardCharsets.UTF_8);
      user.own(connectionDir);
      user.own(file);
      LaunchSpec kernel =
          new LaunchSpec(
              KernelSpecs.argv(KernelSpecs.name(language), file),
              spec.env(),
              spec.cwd(),
              0,
              java.util.Optional.empty());
      process = launcher.start(kernel.toChild(paths, defaults), Stdio.DISCARD);
      client = KernelClient.connect(info, this, id);
    } catch (IOException e) {
      LOG.warning("could not start the kernel of context " + id + ": " + e);
      throw new StatusException(GrpcStatus.INTERNAL, "could not start the kernel");
    }
    process.onExit().thenAccept(exitCode -> context.runOnContext(v -> died(exitCode)));
    context.runOnContext(v -> askForInfo());
  }

  /**
   * Asks the kernel who it is until iopub carries its answer. A subscription takes a moment to
   * reach the kernel (ZeroMQ's slow joiner), and a cell whose idle status was published before it
   * did would never be seen to end; so the context counts as started only once iopub speaks.
   */
  private void askForInfo() {
    if (answered.future().isComplete()) {
      return;
    }
    JupyterMessage info = JupyterMessage.request(session, "kernel_info_request", new JsonObject());
    infoRequests.add(info.msgId());
    client.send(Channel.SHELL, info);
    context.owner().setTimer(INFO_RETRY.toMillis(), t -> context.runOnContext(v -> askForInfo()));
  }

  private static final Duration INFO_RETRY = Duration.ofMillis(200);

  /** Completes when the kernel first answers. */
  io.vertx.core.Future<Void> answered() {
    return answered.future();
  }

  /**
   * Runs {@code code}; {@code events} gets its events on this context, done last.
   *
   * @throws StatusException FAILED_PRECONDITION when the kernel died or a cell is running
   */
  CellRun run(String code, Duration timeout, long maxBytes, Consumer<CodeEvent> events)
      throws StatusException {
    if (!alive()) {
      throw new StatusException(
          GrpcStatus.FAILED_PRECONDITION,
          "the kernel of context " + id + " died (" + death + "): restart it");
    }
    if (running != null && !running.finished()) {
      throw new StatusException(
          GrpcStatus.FAILED_PRECONDITION, "a cell is already running in context " + id);
    }
    JupyterMessage request =
        JupyterMessage.request(
            session,
            "execute_request",
            new JsonObject()
                .put("code", code)
                .put("silent", false)
                .put("store_history", true)
                .put("user_expressions", new JsonObject())
                .put("allow_stdin", false)
                .put("stop_on_error", true));
    CellRun cell = new CellRun(id, request.msgId(), maxBytes, events);
    running = cell;
    client.send(Channel.SHELL, request);
    context
        .owner()
        .setTimer(
            timeout.toMillis(),
            t -> {
              if (!cell.finished()) {
                cell.timedOut();
                interrupt();
              }
            });
    return cell;
  }

  /** Stops the running cell with SIGINT to the kernel's process group; state is kept. */
  void interrupt() {
    if (process != null && alive()) {
      Child kernel = process;
      context
          .owner()
          .executeBlocking(
              () -> {
                kernel.signalGroup(SIGINT);
                return null;
              },
              false);
    }
  }

  @Override
  public void onMessage(Channel channel, JupyterMessage message) {
    context.runOnContext(v -> dispatch(channel, message));
  }

  private void dispatch(Channel channel, JupyterMessage message) {
    if (channel == Channel.IOPUB && infoRequests.contains(message.parentMsgId())) {
      answered.tryComplete();
    }
    if (running != null) {
      running.accept(channel, message);
    }
  }

  private void died(int exitCode) {
    death = "exit " + exitCode;
    answered.tryFail(
        new StatusException(
            GrpcStatus.INTERNAL, "the kernel of context " + id + " exited as it started"));
    if (running != null) {
      running.abort("KernelDied", "the kernel of context " + id + " died (" + death + ")");
    }
  }

  /** Stops the kernel and everything it started. Blocking. */
  void close() {
    if (client != null) {
      client.close();
    }
    if (process != null) {
      process.killTree();
    }
    if (connectionDir != null) {
      try {
        Files.deleteIfExists(connectionDir.resolve("connection.json"));
        Files.deleteIfExists(connectionDir);
      } catch (IOException e) {
        LOG.fine("could not remove " + connectionDir + ": " + e);
      }
    }
  }
}
