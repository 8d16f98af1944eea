package dev.bastion.controller.embedded;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.reconcile.PodObservation;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import dev.bastion.controller.reconcile.PodObservation.Scheduling;
import dev.bastion.controller.reconcile.PodStartException;
import dev.bastion.controller.reconcile.SandboxPods;
import dev.bastion.controller.runtime.AppendedLog;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.ContainerSpec;
import dev.bastion.controller.runtime.ContainerState;
import dev.bastion.controller.runtime.FileTrees;
import dev.bastion.controller.runtime.OciBundle;
import dev.bastion.controller.runtime.ProcessDefaults;
import dev.bastion.controller.runtime.RunnableImage;
import dev.bastion.controller.runtime.RuntimeFailure;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxCgroups;
import dev.bastion.controller.runtime.SandboxLimits;
import dev.bastion.controller.runtime.SandboxPaths;
import dev.bastion.controller.runtime.WorkspaceVolume;
import dev.bastion.controller.sandbox.DeathReasons;
import dev.bastion.controller.sandbox.SandboxdTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Sandboxes' pods on this machine: one OCI container per Sandbox (keyed by its namespace and name,
 * see {@link #keyOf}; its hostname is the Sandbox's name), run by runsc or crun, with sandboxd as
 * its entry process and the sandbox's directory (workspace, socket, bundle) kept under the state
 * directory. sandboxd answers only callers that present the sandbox's token, which it reads from a
 * file in its socket directory, a directory the sandbox user cannot enter: a socket there that
 * another sandbox's sandboxd serves refuses the token. A pod is ready when sandboxd accepts a
 * connection on its socket; a pod whose container stopped by itself has failed, and why (out of
 * memory, task limit) is read from its cgroup once and kept next to its workspace, so the reason
 * survives a restart.
 */
public final class EmbeddedPods implements SandboxPods {

  private static final Logger LOG = Logger.getLogger(EmbeddedPods.class.getName());
  private static final String DEATH_FILE = "death-reason";
  // Present while a suspended sandbox's memory is saved, until it resumes from it.
  private static final String MEMORY_KEPT_FILE = "memory-kept";
  // Present once a sandbox made from a snapshot has started from it.
  private static final String FORKED_FILE = "started-from-snapshot";

  /**
   * The most a sandbox's container log holds once a pass has looked at it: sandboxd and tini write
   * it from inside the sandbox, outside the workspace's quota. Past it the log is rotated (its last
   * mebibyte kept in {@code container.log.1}); between two passes (the resync, every few seconds)
   * it grows by what the container writes in that time.
   */
  public static final long LOG_CAP_BYTES = 1L << 20;

  private final ContainerRuntime runtime;
  private final SandboxLayout layout;
  private final SandboxImages images;
  private final SandboxSoftware software;
  private final SandboxCgroups cgroups;
  private final WorkspaceVolume volumes;
  private final Clock clock;
  private final Duration readyTimeout;
  private final SandboxCeilings ceilings;
  private final WorkspaceDiskBudget diskBudget;
  private final SandboxdTokens tokens;
  private final ContainerObservations observations;
  private final SandboxCheckpoints checkpoints;
  private final MemoryImageMetrics imageMetrics;
  private final LocalSnapshots snapshots;
  private final BootImages bootImages;

  public EmbeddedPods(
      ContainerRuntime runtime,
      SandboxLayout layout,
      SandboxImages images,
      SandboxSoftware software,
      SandboxCgroups cgroups,
      WorkspaceVolume volumes,
      Clock clock,
      Duration readyTimeout,
      SandboxCeilings ceilings,
      SandboxdTokens tokens,
      ContainerObservations observations,
      MemoryImageMetrics imageMetrics) {
    this.runtime = runtime;
    this.imageMetrics = imageMetrics;
    this.checkpoints =
        new SandboxCheckpoints(runtime, layout, new ImageCompatibility(runtime, software), clock);
    this.snapshots = new LocalSnapshots(layout, checkpoints, imageMetrics, clock);
    this.bootImages =
        new BootImages(layout.bootImagesDir(), layout, checkpoints, imageMetrics, clock);
    this.layout = layout;
    this.images = images;
    this.software = software;
    this.cgroups = cgroups;
    this.volumes = volumes;
    this.clock = clock;
    this.readyTimeout = readyTimeout;
    this.tokens = tokens;
    this.observations = observations;
    this.ceilings = ceilings;
    this.diskBudget = new WorkspaceDiskBudget(layout, ceilings.workspaceDiskBytes());
  }

  /** The snapshots of this machine's sandboxes, which {@link #start} makes copies from. */
  public LocalSnapshots snapshots() {
    return snapshots;
  }

  /**
   * The key of a Sandbox's container, cgroup and directory: its name in the shared namespace, and
   * {@code namespace_name} in a tenant's, since two tenants may each have a Sandbox {@code dev}.
   * Neither part can hold an underscore (both are DNS names), so keys never collide.
   */
  public static String keyOf(Sandbox sandbox) {
    return key(sandbox.getMetadata().getNamespace(), sandbox.getMetadata().getName());
  }

  private static String key(String namespace, String name) {
    return namespace == null || namespace.equals(TenantNamespaces.embedded().shared())
        ? name
        : namespace + "_" + name;
  }

  /**
   * Adopts the containers of sandboxes that still exist after a restart and removes everything
   * else: containers, cgroups and directories no Sandbox owns.
   */
  public void recover(Set<String> sandboxes) {
    snapshots.recover();
    bootImages.recover();
    try {
      Files.createDirectories(layout.sandboxesDir());
      Map<String, ContainerState> containers = runtime.list();
      for (String name : containers.keySet()) {
        if (sandboxes.contains(name)) {
          // Judged by the first container list fetched from now on, and given the usual time to
          // answer on its socket.
          observations.started(name, clock.instant(), SandboxLimits.defaults());
        } else {
          LOG.info("removing container " + name + " that no sandbox owns");
          removeContainer(name);
        }
      }
      for (String id : cgroups.ids()) {
        if (!sandboxes.contains(id)) {
          cgroups.release(id);
        }
      }
      // Workspaces of sandboxes that are gone, even when a stop interrupted their removal after
      // their directory went.
      for (Path mountPoint : volumes.mountPointsUnder(layout.sandboxesDir())) {
        if (!sandboxes.contains(mountPoint.getParent().getFileName().toString())) {
          volumes.unmount(mountPoint);
        }
      }
      try (Stream<Path> dirs = Files.list(layout.sandboxesDir())) {
        for (Path dir : dirs.toList()) {
          String id = dir.getFileName().toString();
          if (!sandboxes.contains(id)) {
            volumes.unmount(layout.workspace(id));
            FileTrees.delete(dir);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover the sandboxes directory", e);
    }
  }

  @Override
  public PodObservation observe(Sandbox sandbox) {
    String name = keyOf(sandbox);
    Optional<String> death = deathReason(name);
    if (death.isPresent()) {
      return observation(PodState.FAILED, death.get());
    }
    ContainerObservations.Started pod = observations.of(name);
    if (pod == null) {
      return PodObservation.absent();
    }
    capLog(name);
    Optional<ContainerState> state = observations.stateOf(name, pod);
    if (state.isPresent() && state.get() == ContainerState.STOPPED) {
      return observation(PodState.FAILED, recordDeath(name, pod.limits()));
    }
    // Once sandboxd has answered, the container's state speaks for it (sandboxd is the container's
    // only process under tini: when it ends, the container stops). Probing again on every pass
    // would wake each idle sandbox's JVM under gVisor, which costs milliseconds of CPU each time.
    if (pod.answered() || SandboxdSocket.accepts(layout.socket(name))) {
      if (!pod.answered()) {
        bootImages.answered(name);
      }
      observations.answered(name, pod);
      return observation(PodState.READY, images.nameOf(name).map(n -> "runs " + n).orElse(""));
    }
    if (Duration.between(pod.at(), clock.instant()).compareTo(readyTimeout) > 0) {
      String reason = "sandboxd did not start within " + readyTimeout.toSeconds() + "s";
      writeDeathReason(name, reason);
      removeContainer(name);
      return observation(PodState.FAILED, reason);
    }
    return observation(PodState.STARTING, "");
  }

  @Override
  public void start(Sandbox sandbox) {
    String name = keyOf(sandbox);
    LocalSandboxSpec spec;
    try {
      spec =
          LocalPodTemplate.map(
              sandbox.getSpec(), runtime.kind(), Runtime.getRuntime().availableProcessors());
      ceilings.check(spec);
    } catch (InvalidManifestException e) {
      throw new PodStartException(e.getMessage());
    }
    // Pending while its image is pulled: nothing is reserved or made until it is there.
    RunnableImage image = images.resolve(name, spec.image());
    Optional<LocalSnapshots.ForkSource> fork = forkSource(sandbox, name);
    if (fork == null) {
      return;
    }
    diskBudget.reserve(name, spec.workspaceBytes());
    try {
      if (fork.isPresent() && !Files.exists(layout.workspaceImage(name))) {
        Files.createDirectories(layout.dir(name));
        LocalSnapshots.copyWorkspaceImage(fork.get().workspaceImage(), layout.workspaceImage(name));
      }
      prepareDirectories(name, sandbox.getMetadata().getName(), spec, image, tokens.of(sandbox));
      removeContainer(name);
      MemoryImage memory = new MemoryImage(layout.suspendedMemory(name));
      if (fork.isPresent()) {
        forkFrom(name, fork.get().memory());
      } else if ((!memoryKept(name) || !resumeWithMemory(name, memory))
          && (runtime.kind() != RuntimeKind.GVISOR
              || !bootImages.restore(name, sandbox.getMetadata().getName()))) {
        runtime.start(name, layout.bundle(name), layout.log(name));
      }
      observations.started(name, clock.instant(), spec.limits());
    } catch (IOException e) {
      throw new PodStartException("could not prepare the sandbox's directories");
    } catch (RuntimeFailure e) {
      removeContainer(name);
      throw new PodStartException(e.getMessage());
    } finally {
      diskBudget.made(name);
    }
  }

  /**
   * Saves the sandbox's memory and processes before its container goes, so that {@link #start}
   * continues them; a sandbox that cannot be saved (crun, or a checkpoint that failed) is stopped
   * with its workspace kept, as upstream suspends, and says so in the log.
   */
  @Override
  public void suspend(Sandbox sandbox) {
    String name = keyOf(sandbox);
    if (runtime.kind() == RuntimeKind.GVISOR && observations.of(name) != null) {
      try {
        MemoryImage.Seal seal =
            checkpoints.saveAndStop(name, new MemoryImage(layout.suspendedMemory(name)));
        imageMetrics.saved("suspend", seal);
        Files.writeString(layout.dir(name).resolve(MEMORY_KEPT_FILE), "", StandardCharsets.UTF_8);
        LOG.info(
            "suspended sandbox "
                + name
                + " with its memory: "
                + seal.bytes()
                + " bytes saved in "
                + seal.savedMillis()
                + " ms");
      } catch (RuntimeFailure | IOException e) {
        LOG.warning("sandbox " + name + " is suspended without its memory: " + e.getMessage());
      }
    }
    stop(sandbox.getMetadata().getNamespace(), sandbox.getMetadata().getName());
  }

  /**
   * Restores the container from the memory its suspend saved, and removes that image once the
   * sandbox runs on from it. An image made by another runtime release or sandboxd build is dropped
   * and the sandbox boots (returns false); one that is damaged or that runsc refuses fails the
   * sandbox with the reason, since booting instead would silently lose the processes it promised.
   */
  private boolean resumeWithMemory(String name, MemoryImage memory) {
    Instant began = clock.instant();
    try {
      checkpoints.restore(name, memory);
      imageMetrics.restored("suspend", Duration.between(began, clock.instant()));
      LOG.info(
          "resumed sandbox "
              + name
              + " from its memory in "
              + Duration.between(began, clock.instant()).toMillis()
              + " ms");
    } catch (MemoryImage.Incompatible e) {
      LOG.warning(
          "sandbox " + name + " boots instead of resuming: its memory image " + e.getMessage());
      forgetMemory(name, memory);
      return false;
    } catch (MemoryImage.Unusable e) {
      fail(name, "could not resume with its memory: the saved image " + e.getMessage());
    } catch (RuntimeFailure e) {
      fail(name, "could not resume with its memory: " + e.getMessage());
    }
    forgetMemory(name, memory);
    return true;
  }

  /**
   * Whether the sandbox was suspended with its memory: its image should be there, and a resume
   * without it fails rather than boot (the record is beside the image, not in it, so that an image
   * gone altogether is noticed too).
   */
  private boolean memoryKept(String name) {
    return Files.exists(layout.dir(name).resolve(MEMORY_KEPT_FILE))
        || new MemoryImage(layout.suspendedMemory(name)).exists();
  }

  private void forgetMemory(String name, MemoryImage memory) {
    memory.delete();
    try {
      Files.deleteIfExists(layout.dir(name).resolve(MEMORY_KEPT_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the memory record of " + name, e);
    }
  }

  /**
   * What a sandbox made from a snapshot starts from on its first start: empty for any other
   * sandbox, and for one that started from its snapshot before (a later start boots, as any
   * sandbox's after a crash). Null when its snapshot is gone or is not its tenant's: the sandbox is
   * failed with the reason then.
   */
  private Optional<LocalSnapshots.ForkSource> forkSource(Sandbox sandbox, String name) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    String id = annotations == null ? null : annotations.get(AgentLabels.FROM_SNAPSHOT);
    if (id == null || Files.exists(layout.dir(name).resolve(FORKED_FILE))) {
      return Optional.empty();
    }
    String tenant = sandbox.getMetadata().getLabels().getOrDefault(AgentLabels.TENANT, "");
    Optional<LocalSnapshots.ForkSource> source = snapshots.forkSource(tenant, id);
    if (source.isEmpty()) {
      fail(name, "snapshot " + id + " no longer exists");
      return null;
    }
    return source;
  }

  /** Restores a copy of a snapshot; the snapshot's image stays for the next copy. */
  private void forkFrom(String name, MemoryImage memory) throws IOException {
    Instant began = clock.instant();
    try {
      checkpoints.restore(name, memory);
      imageMetrics.restored("snapshot", Duration.between(began, clock.instant()));
      Files.writeString(layout.dir(name).resolve(FORKED_FILE), "", StandardCharsets.UTF_8);
    } catch (MemoryImage.Unusable e) {
      fail(name, "could not start from its snapshot: the saved image " + e.getMessage());
    } catch (RuntimeFailure e) {
      fail(name, "could not start from its snapshot: " + e.getMessage());
    }
  }

  private void fail(String name, String reason) {
    LOG.warning("sandbox " + name + " failed: " + reason);
    removeContainer(name);
    writeDeathReason(name, reason);
  }

  @Override
  public void stop(String namespace, String sandboxName) {
    String name = key(namespace, sandboxName);
    removeContainer(name);
    observations.stopped(name);
    bootImages.forget(name);
    try {
      // A fresh pod (resume) starts with a clean slate.
      Files.deleteIfExists(layout.dir(name).resolve(DEATH_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the death record of " + name, e);
    }
  }

  @Override
  public void remove(String namespace, String sandboxName) {
    stop(namespace, sandboxName);
    String name = key(namespace, sandboxName);
    images.forget(name);
    volumes.unmount(layout.workspace(name));
    try {
      FileTrees.delete(layout.dir(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the directory of sandbox " + name, e);
    }
  }

  private void prepareDirectories(
      String name, String hostname, LocalSandboxSpec local, RunnableImage image, String token)
      throws IOException {
    Path workspace = layout.workspace(name);
    Path socketDir = layout.socketDir(name);
    Path bundle = layout.bundle(name);
    volumes.mount(layout.workspaceImage(name), workspace, local.workspaceBytes());
    FileTrees.delete(socketDir);
    Files.createDirectories(socketDir);
    Files.createDirectories(bundle);
    ProcessDefaults defaults = image.defaults();
    Files.setAttribute(workspace, "unix:uid", defaults.uid());
    Files.setAttribute(workspace, "unix:gid", defaults.gid());
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxr-x---"));
    // sandboxd's alone: the sandbox user can neither read the token nor put anything there.
    Files.setAttribute(socketDir, "unix:uid", SandboxPaths.SANDBOXD_UID);
    Files.setAttribute(socketDir, "unix:gid", SandboxPaths.SANDBOXD_GID);
    Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        Files.createFile(
            socketDir.resolve(SandboxPaths.TOKEN_NAME),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------"))),
        token,
        StandardCharsets.UTF_8);
    // Read by sandboxd only after a restore, which keeps the hostname that was saved.
    Files.writeString(
        socketDir.resolve(SandboxPaths.HOSTNAME_NAME), hostname, StandardCharsets.UTF_8);
    if (!defaults.env().isEmpty()) {
      // NUL between entries: an image's values may hold newlines.
      Files.writeString(
          socketDir.resolve(OciBundle.IMAGE_ENV_NAME),
          String.join("\0", defaults.env()),
          StandardCharsets.UTF_8);
    }
    images.record(name, image);
    ContainerSpec spec =
        new ContainerSpec(
            name,
            hostname,
            image.rootfs(),
            defaults,
            software.sandboxdRuntime(),
            software.sandboxdJar(),
            workspace,
            socketDir,
            local.limits());
    Files.writeString(
        bundle.resolve("config.json"),
        OciBundle.config(spec).encodePrettily(),
        StandardCharsets.UTF_8);
  }

  /** Reads why the container died (its cgroup counters vanish with it), keeps it, cleans up. */
  private String recordDeath(String name, SandboxLimits limits) {
    String reason = DeathReasons.describe(cgroups.causeOf(name), limits);
    writeDeathReason(name, reason);
    removeContainer(name);
    LOG.info("sandbox " + name + " failed: " + reason);
    return reason;
  }

  private void writeDeathReason(String name, String reason) {
    try {
      Files.createDirectories(layout.dir(name));
      Files.writeString(layout.dir(name).resolve(DEATH_FILE), reason, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the death of " + name, e);
    }
  }

  private Optional<String> deathReason(String name) {
    Path file = layout.dir(name).resolve(DEATH_FILE);
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the death record of " + name, e);
    }
  }

  /** Rotates the container's log when it is over its cap; a log that cannot be is only reported. */
  private void capLog(String name) {
    try {
      if (new AppendedLog(layout.log(name)).rotateOver(LOG_CAP_BYTES)) {
        // FINE: a chatty sandbox would otherwise put a line in the gateway's log every pass.
        LOG.fine("rotated the container log of sandbox " + name);
      }
    } catch (IOException e) {
      LOG.warning("cannot rotate the container log of sandbox " + name + ": " + e.getMessage());
    }
  }

  private void removeContainer(String name) {
    runtime.remove(name);
    cgroups.release(name);
  }

  private PodObservation observation(PodState state, String message) {
    return new PodObservation(state, message, List.of(), null, Scheduling.SCHEDULED);
  }
}
