package dev.bastion.sandboxd;

import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Confines client paths to the workspace.
 *
 * <p>Clients always speak of {@code /workspace/...} (or paths relative to it), whatever host
 * directory backs the workspace. A path is accepted only if both its lexical form and its real
 * location (symlinks resolved as far as they exist) stay inside the workspace. sandboxd can reach
 * more than the agent's user, so this also keeps it off its own files; code in the sandbox could
 * still race a check by swapping in a symlink, which reaches only its own sandbox (gVisor is the
 * boundary, docs/SECURITY.md).
 *
 * <p>Methods touch the filesystem (lstat, readlink, realpath), so call them off the event loop.
 */
final class WorkspacePaths {

  /** The workspace's name as clients see it. */
  static final String ROOT = "/workspace";

  private static final int MAX_PATH_BYTES = 4096;
  // NAME_MAX: a longer name is refused here, before the file system fails it as an I/O error.
  private static final int MAX_NAME_BYTES = 255;
  // Like the kernel's ELOOP limit, so a symlink cycle cannot make resolution spin.
  private static final int MAX_SYMLINK_HOPS = 40;

  private final Path hostRoot;
  private final Path realRoot;

  /**
   * @param hostRoot the host directory that backs {@code /workspace}; it must exist
   */
  WorkspacePaths(Path hostRoot) {
    this.hostRoot = hostRoot.toAbsolutePath().normalize();
    try {
      this.realRoot = this.hostRoot.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("workspace " + hostRoot + " is not usable", e);
    }
  }

  /** A confined path: what the client calls it and where it is on the host. */
  record WorkspacePath(String logical, Path host) {

    boolean isRoot() {
      return logical.equals(ROOT);
    }

    /** The entry {@code relative} below this one, for walking directories. */
    WorkspacePath child(Path relative) {
      return new WorkspacePath(logical + "/" + relative, host.resolve(relative));
    }
  }

  /** The host directory that backs {@code /workspace}. */
  Path hostRoot() {
    return hostRoot;
  }

  /**
   * Resolves a path for an operation that follows a symlink at the final component (open, read,
   * chdir): the link's target must be inside the workspace too.
   */
  WorkspacePath resolveFollowing(String clientPath) throws StatusException {
    return resolve(clientPath, true);
  }

  /**
   * Resolves a path for an operation on the entry itself (lstat, unlink, rename): only the
   * directory containing it must really be inside the workspace.
   */
  WorkspacePath resolveEntry(String clientPath) throws StatusException {
    return resolve(clientPath, false);
  }

  private WorkspacePath resolve(String clientPath, boolean followFinal) throws StatusException {
    if (clientPath.isEmpty()) {
      throw GrpcErrors.invalid("path must not be empty");
    }
    if (clientPath.indexOf('\0') >= 0) {
      throw GrpcErrors.invalid("path must not contain NUL bytes");
    }
    if (clientPath.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw GrpcErrors.invalid("path is longer than " + MAX_PATH_BYTES + " bytes");
    }
    Path logical =
        Path.of(clientPath.startsWith("/") ? clientPath : ROOT + "/" + clientPath).normalize();
    for (Path name : logical) {
      if (name.toString().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw GrpcErrors.invalid("a name in the path is longer than " + MAX_NAME_BYTES + " bytes");
      }
    }
    Path logicalRoot = Path.of(ROOT);
    if (!logical.startsWith(logicalRoot)) {
      throw outside(clientPath);
    }
    Path relative = logicalRoot.relativize(logical);
    WorkspacePath result =
        relative.toString().isEmpty()
            ? new WorkspacePath(ROOT, hostRoot)
            : new WorkspacePath(logical.toString(), hostRoot.resolve(relative));
    if (result.isRoot()) {
      return result;
    }
    Path real =
        followFinal
            ? realLocation(result.host(), 0)
            : realLocation(result.host().getParent(), 0).resolve(result.host().getFileName());
    if (!real.startsWith(realRoot)) {
      throw outside(clientPath);
    }
    return result;
  }

  /**
   * Where {@code path} really is: symlinks resolved through every component that exists, including
   * dangling links (their target is where a create would land), with missing components appended.
   */
  private Path realLocation(Path path, int hops) throws StatusException {
    if (hops > MAX_SYMLINK_HOPS) {
      throw GrpcErrors.invalid("too many levels of symbolic links");
    }
    try {
      if (Files.isSymbolicLink(path)) {
        Path parent = realLocation(path.getParent(), hops);
        return realLocation(parent.resolve(Files.readSymbolicLink(path)), hops + 1);
      }
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return path.toRealPath();
      }
    } catch (IOException e) {
      // Unreadable or vanished while we looked: treat as missing and check what we can see.
    }
    Path parent = path.getParent();
    return parent == null
        ? path
        : realLocation(parent, hops).resolve(path.getFileName()).normalize();
  }

  private static StatusException outside(String clientPath) {
    return GrpcErrors.invalid("path " + clientPath + " is outside " + ROOT);
  }
}
