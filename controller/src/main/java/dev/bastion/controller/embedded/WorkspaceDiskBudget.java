package dev.bastion.controller.embedded;

import dev.bastion.controller.reconcile.PodStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Keeps the sum of the workspaces granted on this machine within its disk. A workspace is a sparse
 * image of its full size: granting more than the file system holds would let sandboxes, each within
 * its own quota, fill the disk together (and the store and the runtime's state with it).
 */
final class WorkspaceDiskBudget {

  private final SandboxLayout layout;
  private final long budgetBytes;

  /** Workspaces granted whose image is still being made: counted until {@link #made}. */
  private final Map<String, Long> pending = new HashMap<>();

  /**
   * @param budgetBytes the workspace bytes this machine grants in all; 0 for nine tenths of the
   *     file system holding the state directory
   */
  WorkspaceDiskBudget(SandboxLayout layout, long budgetBytes) {
    this.layout = layout;
    this.budgetBytes = budgetBytes;
  }

  /**
   * Refuses a new workspace of {@code bytes} for sandbox {@code id} when it would take the granted
   * total over the budget; a sandbox whose workspace exists already passes (it was granted before).
   *
   * @throws PodStartException saying how much is granted and how much the budget is
   */
  synchronized void reserve(String id, long bytes) {
    if (Files.exists(layout.workspaceImage(id), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    long budget = budget();
    long granted = granted() + pending.values().stream().mapToLong(Long::longValue).sum();
    if (granted + bytes > budget) {
      throw new PodStartException(
          "no disk for a workspace of "
              + (bytes >> 20)
              + "Mi: "
              + (granted >> 20)
              + "Mi of this machine's "
              + (budget >> 20)
              + "Mi for workspaces are granted (serve --workspace-disk); delete sandboxes first");
    }
    pending.put(id, bytes);
  }

  /** The workspace of {@code id} exists now (or could not be made): its image counts itself. */
  synchronized void made(String id) {
    pending.remove(id);
  }

  private long budget() {
    if (budgetBytes > 0) {
      return budgetBytes;
    }
    try {
      Files.createDirectories(layout.sandboxesDir());
      return Files.getFileStore(layout.sandboxesDir()).getTotalSpace() / 10 * 9;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of the state directory's disk", e);
    }
  }

  /** The apparent sizes of the workspace images that exist: what has been granted. */
  private long granted() {
    if (!Files.isDirectory(layout.sandboxesDir())) {
      return 0;
    }
    try (Stream<Path> dirs = Files.list(layout.sandboxesDir())) {
      return dirs.map(dir -> dir.getFileName().toString())
          .filter(id -> !pending.containsKey(id))
          .map(layout::workspaceImage)
          .mapToLong(WorkspaceDiskBudget::sizeOf)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the sandboxes' directories", e);
    }
  }

  private static long sizeOf(Path image) {
    try {
      return Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS) ? Files.size(image) : 0;
    } catch (IOException gone) {
      return 0;
    }
  }
}
