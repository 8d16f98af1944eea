package dev.bastion.controller.embedded;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxSpec;
import dev.bastion.controller.runtime.FileTrees;
import dev.bastion.controller.runtime.HostCommand;
import dev.bastion.controller.runtime.RuntimeFailure;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.sandbox.SnapshotStore;
import dev.bastion.controller.sandbox.SnapshotView;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots on this machine, one directory each under {@code snapshots/}: the memory image of the
 * sandbox ({@code memory/}, a {@link MemoryImage}), a copy of its workspace's file system image
 * made while it was paused for the checkpoint ({@code workspace.img}, sparse, reflinked where the
 * file system can), and {@code snapshot.json}: whose it is, what it was taken of, and the spec its
 * copies run with. The record is written last: a directory without one is what a crash left, and
 * {@link #recover} removes it. The records are also kept in memory, so lookups (a policy decision
 * on a create names the snapshot's template) never wait on the disk.
 */
public final class LocalSnapshots implements SnapshotStore {

  private static final Logger LOG = Logger.getLogger(LocalSnapshots.class.getName());
  private static final String RECORD = "snapshot.json";
  private static final String MEMORY = "memory";
  private static final String WORKSPACE_IMAGE = "workspace.img";
  private static final int MAX_RECORD_BYTES = 1 << 20;
  // Only ids the API hands out name a directory: nothing an agent sends reaches a path otherwise.
  private static final Pattern ID = Pattern.compile("snap-[a-z0-9]{12}");
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(5);

  private final SandboxLayout layout;
  private final SandboxCheckpoints checkpoints;
  private final MemoryImageMetrics metrics;
  private final Clock clock;
  private final Map<String, SnapshotView> byId = new ConcurrentHashMap<>();

  LocalSnapshots(
      SandboxLayout layout,
      SandboxCheckpoints checkpoints,
      MemoryImageMetrics metrics,
      Clock clock) {
    this.layout = layout;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** What a copy starts from: the saved memory and the workspace image to copy. */
  record ForkSource(MemoryImage memory, Path workspaceImage) {}

  @Override
  public SnapshotView take(Sandbox source, String tenant, String id, Map<String, String> labels) {
    String name = EmbeddedPods.keyOf(source);
    Path dir = layout.snapshotsDir().resolve(id);
    try {
      Files.createDirectories(layout.snapshotsDir());
      // Memory holds the sandbox's secrets: the host's root only.
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      MemoryImage.Seal seal =
          checkpoints.saveRunning(
              name,
              new MemoryImage(dir.resolve(MEMORY)),
              () -> copyWorkspace(name, dir.resolve(WORKSPACE_IMAGE)));
      metrics.saved("snapshot", seal);
      SnapshotView view =
          new SnapshotView(
              id,
              tenant,
              source.getMetadata().getName(),
              source.getMetadata().getAnnotations().getOrDefault(AgentLabels.TEMPLATE, ""),
              clock.instant(),
              seal.bytes() + allocatedBytes(dir.resolve(WORKSPACE_IMAGE)),
              labels);
      writeRecord(dir, view, source.getSpec());
      byId.put(id, view);
      LOG.info(
          "snapshot "
              + id
              + " of sandbox "
              + name
              + ": "
              + view.sizeBytes()
              + " bytes, saved in "
              + seal.savedMillis()
              + " ms");
      return view;
    } catch (IOException | RuntimeFailure e) {
      deleteQuietly(dir);
      LOG.warning("snapshot of sandbox " + name + " failed: " + e.getMessage());
      throw SandboxError.unavailable("could not take the snapshot: " + e.getMessage());
    }
  }

  @Override
  public List<SnapshotView> list(String tenant) {
    return byId.values().stream().filter(view -> view.tenant().equals(tenant)).toList();
  }

  @Override
  public Optional<SnapshotView> find(String tenant, String id) {
    return Optional.ofNullable(byId.get(id)).filter(view -> view.tenant().equals(tenant));
  }

  @Override
  public SandboxSpec specOf(SnapshotView snapshot) {
    JsonObject record =
        readRecord(layout.snapshotsDir().resolve(snapshot.id()))
            .orElseThrow(() -> SandboxError.precondition("snapshot " + snapshot.id() + " is gone"));
    return ModelSerialization.fromJson(record.getJsonObject("spec").encode(), SandboxSpec.class);
  }

  @Override
  public void delete(SnapshotView snapshot) {
    byId.remove(snapshot.id());
    try {
      FileTrees.delete(layout.snapshotsDir().resolve(snapshot.id()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete snapshot " + snapshot.id(), e);
    }
  }

  /**
   * What a sandbox of {@code tenant} made from snapshot {@code id} starts from; empty when the
   * tenant has no such snapshot (deleted since, or never the tenant's).
   */
  Optional<ForkSource> forkSource(String tenant, String id) {
    return find(tenant, id)
        .map(
            view -> {
              Path dir = layout.snapshotsDir().resolve(view.id());
              return new ForkSource(
                  new MemoryImage(dir.resolve(MEMORY)), dir.resolve(WORKSPACE_IMAGE));
            });
  }

  /**
   * Loads the records of the snapshots on disk and removes what a crash left half made: directories
   * without a record, or with one that cannot be read.
   */
  void recover() {
    if (!Files.isDirectory(layout.snapshotsDir())) {
      return;
    }
    try (Stream<Path> dirs = Files.list(layout.snapshotsDir())) {
      for (Path dir : dirs.toList()) {
        String id = dir.getFileName().toString();
        Optional<SnapshotView> view =
            ID.matcher(id).matches()
                ? readView(dir).filter(v -> v.id().equals(id))
                : Optional.empty();
        if (view.isPresent()) {
          byId.put(id, view.get());
        } else {
          LOG.info("removing " + id + ", a snapshot that was never finished or is damaged");
          FileTrees.delete(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover the snapshots directory", e);
    }
  }

  /**
   * Copies the workspace's file system image, after the host's kernel has written what it holds for
   * that file system back to it: the copy is what the saved processes last wrote.
   */
  private void copyWorkspace(String name, Path target) throws IOException {
    command(List.of("sync", "-f", layout.workspace(name).toString()), "flush the workspace");
    command(
        List.of(
            "cp",
            "--sparse=always",
            "--reflink=auto",
            layout.workspaceImage(name).toString(),
            target.toString()),
        "copy the workspace");
  }

  /** Copies a snapshot's workspace image to be a new sandbox's. */
  static void copyWorkspaceImage(Path from, Path to) {
    command(
        List.of("cp", "--sparse=always", "--reflink=auto", from.toString(), to.toString()),
        "copy the snapshot's workspace");
  }

  private static void command(List<String> argv, String what) {
    HostCommand.Result result = HostCommand.run(argv, COPY_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure("could not " + what + ": " + result.lastLine());
    }
  }

  /** Bytes the file takes on disk (a sparse image takes what was written, not its size). */
  private static long allocatedBytes(Path file) {
    HostCommand.Result result =
        HostCommand.run(List.of("du", "--block-size=1", "-s", file.toString()), COPY_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure("could not measure " + file.getFileName());
    }
    return Long.parseLong(result.output().strip().split("\\s+")[0]);
  }

  private static void writeRecord(Path dir, SnapshotView view, SandboxSpec spec)
      throws IOException {
    JsonObject record =
        new JsonObject()
            .put("id", view.id())
            .put("tenant", view.tenant())
            .put("sandboxId", view.sandboxId())
            .put("template", view.template())
            .put("createdAt", view.createdAt().toString())
            .put("sizeBytes", view.sizeBytes())
            .put("labels", new JsonObject(Map.copyOf(view.labels())))
            .put("spec", new JsonObject(ModelSerialization.toJson(spec)));
    Path partial = dir.resolve(RECORD + ".partial");
    Files.writeString(partial, record.encode(), StandardCharsets.UTF_8);
    Files.move(partial, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
  }

  private static Optional<JsonObject> readRecord(Path dir) {
    Path file = dir.resolve(RECORD);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || Files.size(file) > MAX_RECORD_BYTES) {
        return Optional.empty();
      }
      return Optional.of(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | DecodeException e) {
      LOG.warning("ignoring the damaged snapshot record " + file + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The record in {@code dir} as a view; empty when it is missing or lacks what a view needs. */
  private static Optional<SnapshotView> readView(Path dir) {
    try {
      return readRecord(dir).map(LocalSnapshots::view);
    } catch (RuntimeException damaged) {
      return Optional.empty();
    }
  }

  private static SnapshotView view(JsonObject record) {
    Map<String, String> labels = new TreeMap<>();
    record.getJsonObject("labels").forEach(e -> labels.put(e.getKey(), (String) e.getValue()));
    return new SnapshotView(
        record.getString("id"),
        record.getString("tenant"),
        record.getString("sandboxId"),
        record.getString("template"),
        Instant.parse(record.getString("createdAt")),
        record.getLong("sizeBytes"),
        labels);
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      LOG.warning("cannot remove the failed snapshot " + dir + ": " + e.getMessage());
    }
  }
}
