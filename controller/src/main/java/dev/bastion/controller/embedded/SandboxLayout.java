package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.SandboxPaths;
import java.nio.file.Path;

/**
 * Where a sandbox's host-side files live below the state directory: {@code
 * sandboxes/<id>/workspace} (its /workspace, where {@code workspace.img} is mounted), {@code run/}
 * (sandboxd's socket) and {@code bundle/} (the OCI bundle).
 */
public final class SandboxLayout {

  private final Path sandboxesDir;
  private final Path snapshotsDir;

  public SandboxLayout(Path stateDir) {
    this.sandboxesDir = stateDir.resolve("sandboxes");
    this.snapshotsDir = stateDir.resolve("snapshots");
  }

  /** Where boot images live, one per kind of sandbox: {@code boot-images/<kind>/}. */
  public Path bootImagesDir() {
    return snapshotsDir.resolveSibling("boot-images");
  }

  /** Where snapshots live, one directory each: {@code snapshots/<id>/}. */
  public Path snapshotsDir() {
    return snapshotsDir;
  }

  public Path sandboxesDir() {
    return sandboxesDir;
  }

  public Path dir(String id) {
    return sandboxesDir.resolve(id);
  }

  public Path workspace(String id) {
    return dir(id).resolve("workspace");
  }

  /** The file system image mounted on the workspace: its size is the workspace's quota. */
  public Path workspaceImage(String id) {
    return dir(id).resolve("workspace.img");
  }

  public Path socketDir(String id) {
    return dir(id).resolve("run");
  }

  public Path socket(String id) {
    return socketDir(id).resolve(SandboxPaths.SOCKET_NAME);
  }

  /**
   * The container's own output (sandboxd's log) and the runtime's messages, kept under a cap by
   * rotation into {@code container.log.1}.
   */
  public Path log(String id) {
    return dir(id).resolve("container.log");
  }

  /** The memory and processes a suspended sandbox was saved with, until it resumes. */
  public Path suspendedMemory(String id) {
    return dir(id).resolve("memory");
  }

  public Path bundle(String id) {
    return dir(id).resolve("bundle");
  }
}
