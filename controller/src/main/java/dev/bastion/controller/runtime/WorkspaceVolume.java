package dev.bastion.controller.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A sandbox's workspace as a file system of its own, so its size is a hard quota: filling it fills
 * that sandbox's disk, not the host's. It is a sparse ext4 image beside the workspace directory,
 * loop-mounted onto it ({@code nosuid,nodev}) before the container starts, so the container's bind
 * mount of the directory sees it. The image outlives containers (a suspended sandbox keeps its
 * files) and is deleted with the sandbox. Blocking: call it from a worker.
 */
public final class WorkspaceVolume {

  private static final Logger LOG = Logger.getLogger(WorkspaceVolume.class.getName());
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path mountInfo;

  public WorkspaceVolume() {
    this(Path.of("/proc/self/mountinfo"));
  }

  WorkspaceVolume(Path mountInfo) {
    this.mountInfo = mountInfo;
  }

  /**
   * Mounts {@code image} onto {@code dir}, first making an image of {@code bytes} when there is
   * none. Does nothing when {@code dir} is mounted already (a restarted server, a resumed sandbox).
   *
   * @throws RuntimeFailure when the image cannot be made or mounted
   */
  public void mount(Path image, Path dir, long bytes) {
    try {
      if (isMounted(dir)) {
        return;
      }
      Files.createDirectories(dir);
      if (!Files.exists(image)) {
        if (!isEmpty(dir)) {
          // A workspace from before workspaces had a size: mounting would hide its files.
          LOG.warning("workspace " + dir + " predates workspace quotas and stays unlimited");
          return;
        }
        create(image, bytes);
      }
      run(
          List.of("mount", "-o", "loop,nosuid,nodev", image.toString(), dir.toString()),
          "mount the workspace");
      // mkfs leaves lost+found in a new file system; the agent's workspace starts empty.
      Files.deleteIfExists(dir.resolve("lost+found"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    } catch (IOException e) {
      throw new RuntimeFailure("cannot prepare the workspace: " + e.getMessage());
    }
  }

  /** Unmounts {@code dir} if it is mounted, even while something still holds it open. */
  public void unmount(Path dir) {
    try {
      if (isMounted(dir)) {
        // Lazy: detached now, the loop device freed when the last user lets go.
        run(List.of("umount", "--lazy", dir.toString()), "unmount the workspace");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mount table", e);
    }
  }

  /**
   * Unmounts every workspace below {@code dir}, e.g. a state directory about to be deleted whose
   * sandboxes were left running (pool members outlive a server by design).
   */
  public void unmountAllUnder(Path dir) {
    mountPointsUnder(dir).forEach(this::unmount);
  }

  /** The mount points strictly below {@code dir}, as the kernel lists them. */
  public List<Path> mountPointsUnder(Path dir) {
    try {
      String prefix = canonical(dir) + "/";
      return mountPoints().stream().filter(p -> p.startsWith(prefix)).map(Path::of).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mount table", e);
    }
  }

  /** Whether {@code dir} is a mount point, from the kernel's mount table. */
  boolean isMounted(Path dir) throws IOException {
    return mountPoints().contains(canonical(dir));
  }

  // The mount table names real paths: a state directory reached through a symbolic link must be
  // compared by where it really is.
  private static String canonical(Path dir) throws IOException {
    return (Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath().normalize()).toString();
  }

  private List<String> mountPoints() throws IOException {
    try (Stream<String> lines = Files.lines(mountInfo)) {
      // The fifth field is the mount point, with spaces and the like escaped as octal.
      return lines.map(line -> line.split(" ")).filter(f -> f.length > 4).map(f -> f[4]).toList();
    }
  }

  /** A sparse image with an ext4 file system owned by the sandbox's user, made whole or not. */
  private static void create(Path image, long bytes) throws IOException {
    Path temp = image.resolveSibling(image.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw")) {
      file.setLength(bytes);
    }
    run(
        List.of(
            "mkfs.ext4",
            "-q",
            "-F",
            "-m",
            "0",
            "-E",
            "lazy_itable_init=1,lazy_journal_init=1,root_owner="
                + SandboxPaths.SANDBOX_UID
                + ":"
                + SandboxPaths.SANDBOX_GID,
            temp.toString()),
        "make the workspace file system");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    Files.move(temp, image, StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static void run(List<String> argv, String what) {
    HostCommand.Result result = HostCommand.run(argv, TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure("cannot " + what + ": " + result.lastLine());
    }
  }
}
