package dev.bastion.controller.sandbox;

import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.ContainerSpec;
import dev.bastion.controller.runtime.ContainerState;
import dev.bastion.controller.runtime.FileTrees;
import dev.bastion.controller.runtime.OciBundle;
import dev.bastion.controller.runtime.SandboxCgroups;
import dev.bastion.controller.runtime.SandboxLimits;
import dev.bastion.controller.runtime.SandboxPaths;
import dev.bastion.controller.store.SandboxPhase;
import dev.bastion.controller.store.SandboxRecord;
import dev.bastion.controller.store.SandboxStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Owns the life of sandboxes on one machine: starts them as OCI containers, records every change
 * durably before it is visible, notices when a container dies and says why, expires them, and after
 * a crash puts the machine back in line with the store (no duplicates, no orphans).
 *
 * <p>Every container and file operation runs on one named worker pool; at most one operation runs
 * per sandbox at a time.
 */
public final class EmbeddedSandboxes {

  private static final Logger LOG = Logger.getLogger(EmbeddedSandboxes.class.getName());
  private static final Duration SOCKET_POLL = Duration.ofMillis(20);
  private static final Duration VERDICT_RETRY = Duration.ofMillis(200);
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final ContainerRuntime runtime;
  private final SandboxStore store;
  private final TemplateCatalog templates;
  private final SandboxLayout layout;
  private final Path rootfs;
  private final Path sandboxdJar;
  private final SandboxCgroups cgroups;
  private final EmbeddedOptions options;
  private final Clock clock;
  private final Map<String, SandboxRecord> records = new ConcurrentHashMap<>();
  private final KeyedSequencer sequencer = new KeyedSequencer();
  private final SecureRandom random = new SecureRandom();
  private long sweepTimer = -1;

  public EmbeddedSandboxes(
      Vertx vertx,
      WorkerExecutor worker,
      ContainerRuntime runtime,
      SandboxStore store,
      TemplateCatalog templates,
      SandboxLayout layout,
      Path rootfs,
      Path sandboxdJar,
      SandboxCgroups cgroups,
      EmbeddedOptions options,
      Clock clock) {
    this.vertx = vertx;
    this.worker = worker;
    this.runtime = runtime;
    this.store = store;
    this.templates = templates;
    this.layout = layout;
    this.rootfs = rootfs;
    this.sandboxdJar = sandboxdJar;
    this.cgroups = cgroups;
    this.options = options;
    this.clock = clock;
  }

  /** The runtime every sandbox here runs on ("gvisor", "crun"). */
  public String runtimeName() {
    return runtime.kind().id();
  }

  // ---------------------------------------------------------------- start-up and shutdown

  /**
   * Loads the store and reconciles it with the containers that exist: READY sandboxes whose
   * container still runs are kept, the rest are marked FAILED; half-created and half-deleted ones
   * are finished; containers and directories nobody owns are removed. Then starts the periodic
   * sweep.
   */
  public Future<Void> recover() {
    return blocking(this::recoverBlocking)
        .onSuccess(
            ignored ->
                sweepTimer = vertx.setPeriodic(options.sweepInterval().toMillis(), id -> sweep()));
  }

  private Void recoverBlocking() throws IOException {
    Files.createDirectories(layout.sandboxesDir());
    Map<String, ContainerState> containers = runtime.list();
    Set<String> known = new HashSet<>();
    for (SandboxRecord record : store.loadAll()) {
      known.add(record.id());
      ContainerState state = containers.getOrDefault(record.id(), ContainerState.STOPPED);
      switch (record.phase()) {
        case TERMINATED -> finishDelete(record.id());
        case PENDING -> {
          removeContainer(record.id());
          save(record.withPhase(SandboxPhase.FAILED, "the server stopped while it was starting"));
        }
        case READY -> {
          if (state == ContainerState.RUNNING) {
            records.put(record.id(), record);
          } else {
            markDead(record);
          }
        }
        case SUSPENDED, FAILED -> {
          if (containers.containsKey(record.id())) {
            removeContainer(record.id());
          }
          records.put(record.id(), record);
        }
      }
    }
    for (String id : containers.keySet()) {
      if (!known.contains(id)) {
        LOG.info("removing container " + id + " that no sandbox owns");
        removeContainer(id);
      }
    }
    for (String id : cgroups.ids()) {
      if (!known.contains(id)) {
        cgroups.release(id);
      }
    }
    try (Stream<Path> dirs = Files.list(layout.sandboxesDir())) {
      for (Path dir : dirs.toList()) {
        if (!known.contains(dir.getFileName().toString())) {
          FileTrees.delete(dir);
        }
      }
    }
    return null;
  }

  /** Stops the periodic sweep; sandboxes keep running and are picked up by the next start. */
  public void close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
  }

  // ---------------------------------------------------------------- queries

  /** The caller's sandbox with {@code id}; another tenant's sandbox is NOT_FOUND. */
  public SandboxRecord get(String tenant, String id) {
    SandboxRecord record = records.get(id);
    if (record == null
        || !record.tenant().equals(tenant)
        || record.phase() == SandboxPhase.TERMINATED) {
      throw SandboxError.notFound(id);
    }
    return record;
  }

  /** How many sandboxes, of every tenant, are in {@code phase}. */
  public long count(SandboxPhase phase) {
    return records.values().stream().filter(r -> r.phase() == phase).count();
  }

  /** The caller's sandboxes matching {@code selector}, oldest first. */
  public List<SandboxRecord> list(String tenant, LabelSelector selector) {
    return records.values().stream()
        .filter(r -> r.tenant().equals(tenant) && r.phase() != SandboxPhase.TERMINATED)
        .filter(r -> selector.matches(r.labels()))
        .sorted(Comparator.comparing(SandboxRecord::createdAt).thenComparing(SandboxRecord::id))
        .toList();
  }

  /**
   * The socket of the caller's sandbox, which must be READY; any other phase is a
   * FAILED_PRECONDITION saying what to do.
   */
  public Path socketOfReady(String tenant, String id) {
    SandboxRecord record = get(tenant, id);
    return switch (record.phase()) {
      case READY -> layout.socket(id);
      case SUSPENDED ->
          throw new SandboxError(
              SandboxError.Kind.FAILED_PRECONDITION,
              "sandbox " + id + " is suspended: resume it first");
      case FAILED ->
          throw new SandboxError(
              SandboxError.Kind.FAILED_PRECONDITION,
              "sandbox " + id + " has failed (" + record.message() + "): delete it");
      case PENDING, TERMINATED ->
          throw new SandboxError(
              SandboxError.Kind.FAILED_PRECONDITION, "sandbox " + id + " is not ready yet");
    };
  }

  // ---------------------------------------------------------------- commands

  /** Creates a sandbox and completes when it is READY (or failed, with the reason). */
  public Future<SandboxRecord> create(CreateRequest request) {
    if (!request.warmPool().isEmpty()) {
      return Future.failedFuture(
          SandboxError.invalid("warm pool '" + request.warmPool() + "' does not exist"));
    }
    Optional<SandboxTemplate> template = templates.find(request.template());
    if (template.isEmpty()) {
      return Future.failedFuture(
          SandboxError.invalid("unknown template '" + Labels.abbreviate(request.template()) + "'"));
    }
    Duration lifetime =
        request.timeoutSeconds() == 0
            ? options.defaultLifetime()
            : Duration.ofSeconds(request.timeoutSeconds());
    if (lifetime.compareTo(options.maxLifetime()) > 0) {
      return Future.failedFuture(
          SandboxError.invalid(
              "timeout_seconds is more than the maximum of " + options.maxLifetime().toSeconds()));
    }
    SandboxRecord record;
    synchronized (records) {
      long live =
          records.values().stream().filter(r -> r.tenant().equals(request.tenant())).count();
      if (live >= options.maxSandboxesPerTenant()) {
        return Future.failedFuture(
            new SandboxError(
                SandboxError.Kind.RESOURCE_EXHAUSTED,
                "sandbox quota reached: "
                    + live
                    + " of "
                    + options.maxSandboxesPerTenant()
                    + " in use; delete some first"));
      }
      Instant now = clock.instant();
      record =
          new SandboxRecord(
              newId(),
              request.tenant(),
              request.template(),
              "",
              request.labels(),
              request.env(),
              SandboxPhase.PENDING,
              runtime.kind().id(),
              "cold",
              now,
              now.plus(lifetime),
              "");
      // Reserve the slot at once, so concurrent creates cannot overshoot the quota.
      records.put(record.id(), record);
    }
    SandboxLimits limits = template.get().limits();
    return sequencer.run(
        record.id(),
        () ->
            blocking(() -> save(record))
                .compose(saved -> startContainer(saved, limits))
                .recover(failure -> failStart(record, failure)));
  }

  /** Stops and removes the caller's sandbox with its workspace. */
  public Future<Void> delete(String tenant, String id) {
    SandboxRecord record = get(tenant, id);
    return sequencer.run(id, () -> deleteNow(record));
  }

  /** Stops the container and keeps /workspace; processes and memory are gone. */
  public Future<SandboxRecord> suspend(String tenant, String id) {
    get(tenant, id);
    return sequencer.run(
        id,
        () -> {
          SandboxRecord current = get(tenant, id);
          if (current.phase() == SandboxPhase.SUSPENDED) {
            return Future.succeededFuture(current);
          }
          if (current.phase() != SandboxPhase.READY) {
            return Future.failedFuture(
                new SandboxError(
                    SandboxError.Kind.FAILED_PRECONDITION,
                    "only a READY sandbox can be suspended; " + id + " is " + current.phase()));
          }
          return blocking(
              () -> {
                removeContainer(id);
                return save(current.withPhase(SandboxPhase.SUSPENDED, "suspended"));
              });
        });
  }

  /** Starts a fresh container with the same id, hostname and /workspace. */
  public Future<SandboxRecord> resume(String tenant, String id) {
    get(tenant, id);
    return sequencer.run(
        id,
        () -> {
          SandboxRecord current = get(tenant, id);
          if (current.phase() == SandboxPhase.READY) {
            return Future.succeededFuture(current);
          }
          if (current.phase() != SandboxPhase.SUSPENDED && current.phase() != SandboxPhase.FAILED) {
            return Future.failedFuture(
                new SandboxError(
                    SandboxError.Kind.FAILED_PRECONDITION,
                    "sandbox " + id + " is " + current.phase() + " and cannot be resumed"));
          }
          SandboxLimits limits = limitsOf(current);
          SandboxRecord pending = current.withPhase(SandboxPhase.PENDING, "");
          return blocking(() -> save(pending))
              .compose(saved -> startContainer(saved, limits))
              .recover(failure -> failStart(pending, failure));
        });
  }

  /**
   * Checks now whether sandbox {@code id}'s container still runs, and marks it FAILED with the
   * reason when it does not. Front ends call this when a stream to the sandbox breaks, to tell the
   * caller why.
   */
  public Future<SandboxRecord> verify(String id) {
    return sequencer.run(
        id,
        () -> {
          SandboxRecord record = records.get(id);
          if (record == null || record.phase() != SandboxPhase.READY) {
            return Future.succeededFuture(record);
          }
          return blocking(
              () -> {
                ContainerState state = runtime.list().getOrDefault(id, ContainerState.STOPPED);
                return state == ContainerState.RUNNING ? record : markDead(record);
              });
        });
  }

  /**
   * Like {@link #verify}, for when a connection to the sandbox just broke: the runtime may notice
   * the death a moment after the socket does, so a READY answer is checked again a few times within
   * {@code patience} before it is believed.
   */
  public Future<SandboxRecord> verifyAfterLoss(String id, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    return verify(id)
        .compose(
            record -> {
              if (record == null
                  || record.phase() != SandboxPhase.READY
                  || System.nanoTime() > deadline) {
                return Future.succeededFuture(record);
              }
              return vertx
                  .timer(VERDICT_RETRY.toMillis())
                  .compose(
                      ignored ->
                          verifyAfterLoss(id, Duration.ofNanos(deadline - System.nanoTime())));
            });
  }

  /** Whether a FAILED sandbox's message says it ran out of memory. */
  public static boolean failedFromOutOfMemory(SandboxRecord record) {
    return record.phase() == SandboxPhase.FAILED && DeathReasons.isOutOfMemory(record.message());
  }

  // ---------------------------------------------------------------- the machinery

  private Future<SandboxRecord> startContainer(SandboxRecord record, SandboxLimits limits) {
    String id = record.id();
    return blocking(
            () -> {
              prepareDirectories(id, limits);
              removeContainer(id);
              runtime.start(id, layout.bundle(id), layout.log(id));
              return null;
            })
        .compose(ignored -> awaitSocket(id, limits))
        .compose(ignored -> blocking(() -> save(record.withPhase(SandboxPhase.READY, ""))));
  }

  private void prepareDirectories(String id, SandboxLimits limits) throws IOException {
    Path workspace = layout.workspace(id);
    Path socketDir = layout.socketDir(id);
    Path bundle = layout.bundle(id);
    Files.createDirectories(workspace);
    FileTrees.delete(socketDir);
    Files.createDirectories(socketDir);
    Files.createDirectories(bundle);
    for (Path dir : List.of(workspace, socketDir)) {
      Files.setAttribute(dir, "unix:uid", SandboxPaths.SANDBOX_UID);
      Files.setAttribute(dir, "unix:gid", SandboxPaths.SANDBOX_GID);
    }
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
    ContainerSpec spec = new ContainerSpec(id, rootfs, sandboxdJar, workspace, socketDir, limits);
    Files.writeString(
        bundle.resolve("config.json"),
        OciBundle.config(spec).encodePrettily(),
        StandardCharsets.UTF_8);
  }

  /**
   * Completes when sandboxd's socket exists. Polls the file (cheap, asynchronous) and every second
   * asks the runtime whether the container died meanwhile, so a crash fails fast.
   */
  private Future<Void> awaitSocket(String id, SandboxLimits limits) {
    Promise<Void> ready = Promise.promise();
    long deadline = System.nanoTime() + options.readyTimeout().toNanos();
    String socket = layout.socket(id).toString();
    pollSocket(id, limits, socket, deadline, 0, ready);
    return ready.future();
  }

  private void pollSocket(
      String id,
      SandboxLimits limits,
      String socket,
      long deadline,
      int attempt,
      Promise<Void> ready) {
    vertx
        .fileSystem()
        .exists(socket)
        .onComplete(
            exists -> {
              if (exists.succeeded() && exists.result()) {
                ready.complete();
              } else if (System.nanoTime() > deadline) {
                ready.fail(
                    new SandboxError(
                        SandboxError.Kind.UNAVAILABLE,
                        "sandboxd did not start within "
                            + options.readyTimeout().toSeconds()
                            + "s"));
              } else if (attempt > 0 && attempt % 50 == 0) {
                blocking(() -> runtime.list().getOrDefault(id, ContainerState.STOPPED))
                    .onComplete(
                        state -> {
                          if (state.succeeded() && state.result() == ContainerState.STOPPED) {
                            String reason = DeathReasons.describe(cgroups.causeOf(id), limits);
                            ready.fail(new SandboxError(SandboxError.Kind.UNAVAILABLE, reason));
                          } else {
                            retryPoll(id, limits, socket, deadline, attempt, ready);
                          }
                        });
              } else {
                retryPoll(id, limits, socket, deadline, attempt, ready);
              }
            });
  }

  private void retryPoll(
      String id,
      SandboxLimits limits,
      String socket,
      long deadline,
      int attempt,
      Promise<Void> ready) {
    vertx.setTimer(
        SOCKET_POLL.toMillis(), t -> pollSocket(id, limits, socket, deadline, attempt + 1, ready));
  }

  private Future<SandboxRecord> failStart(SandboxRecord record, Throwable failure) {
    String reason =
        failure instanceof SandboxError || failure instanceof RuntimeException
            ? failure.getMessage()
            : "could not start";
    LOG.warning("sandbox " + record.id() + " failed to start: " + reason);
    return blocking(
            () -> {
              removeContainer(record.id());
              return save(record.withPhase(SandboxPhase.FAILED, reason));
            })
        .transform(
            ignored ->
                Future.failedFuture(
                    new SandboxError(
                        SandboxError.Kind.UNAVAILABLE, "sandbox failed to start: " + reason)));
  }

  private Future<Void> deleteNow(SandboxRecord record) {
    return blocking(
        () -> {
          save(record.withPhase(SandboxPhase.TERMINATED, "deleted"));
          finishDelete(record.id());
          return null;
        });
  }

  private void finishDelete(String id) throws IOException {
    removeContainer(id);
    FileTrees.delete(layout.dir(id));
    store.remove(id);
    records.remove(id);
  }

  /** Removes the container and whatever cgroups it left. */
  private void removeContainer(String id) {
    runtime.remove(id);
    cgroups.release(id);
  }

  /** Records why a READY sandbox's container is gone, and removes what is left of it. */
  private SandboxRecord markDead(SandboxRecord record) {
    SandboxLimits limits = limitsOf(record);
    // The cgroup counters vanish with the container: read them first.
    String reason = DeathReasons.describe(cgroups.causeOf(record.id()), limits);
    removeContainer(record.id());
    LOG.info("sandbox " + record.id() + " failed: " + reason);
    return save(record.withPhase(SandboxPhase.FAILED, reason));
  }

  /**
   * The limits a sandbox runs with: its template's, or the defaults when the template is gone (a
   * sandbox outlives a template removed after it was created).
   */
  private SandboxLimits limitsOf(SandboxRecord record) {
    return templates
        .find(record.template())
        .map(SandboxTemplate::limits)
        .orElse(SandboxLimits.defaults());
  }

  /** Marks dead containers FAILED and deletes expired sandboxes. */
  private void sweep() {
    Instant now = clock.instant();
    List<SandboxRecord> expired = new ArrayList<>();
    boolean anyReady = false;
    for (SandboxRecord record : records.values()) {
      if (record.shutdownTime() != null
          && now.isAfter(record.shutdownTime())
          && record.phase() != SandboxPhase.PENDING) {
        expired.add(record);
      }
      anyReady |= record.phase() == SandboxPhase.READY;
    }
    for (SandboxRecord record : expired) {
      sequencer
          .run(record.id(), () -> deleteNow(record))
          .onFailure(e -> LOG.warning("could not expire " + record.id() + ": " + e.getMessage()));
    }
    if (anyReady) {
      blocking(runtime::list).onSuccess(this::failStopped);
    }
  }

  private void failStopped(Map<String, ContainerState> containers) {
    for (SandboxRecord record : records.values()) {
      if (record.phase() == SandboxPhase.READY
          && containers.getOrDefault(record.id(), ContainerState.STOPPED)
              != ContainerState.RUNNING) {
        verify(record.id());
      }
    }
  }

  private SandboxRecord save(SandboxRecord record) {
    store.put(record);
    records.put(record.id(), record);
    return record;
  }

  private String newId() {
    StringBuilder id = new StringBuilder("sbx-");
    for (int i = 0; i < 12; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return worker.executeBlocking(
        () -> {
          try {
            return work.call();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        false);
  }
}
