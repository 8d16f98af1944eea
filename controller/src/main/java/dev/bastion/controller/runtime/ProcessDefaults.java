package dev.bastion.controller.runtime;

import java.util.List;
import java.util.Optional;

/**
 * What every process of a sandbox starts with unless its call says otherwise: its image's {@code
 * Env}, {@code WorkingDir} and {@code User}.
 *
 * @param env {@code NAME=value} entries in the image's order
 * @param workingDir the absolute directory processes start in, or empty for the workspace
 * @param uid the non-root user processes run as and the workspace belongs to
 * @param gid their group
 */
public record ProcessDefaults(List<String> env, Optional<String> workingDir, int uid, int gid) {

  public ProcessDefaults {
    env = List.copyOf(env);
  }

  /** The built-in root filesystem's: no Env of its own, the workspace, the sandbox user. */
  public static ProcessDefaults builtIn() {
    return new ProcessDefaults(
        List.of(), Optional.empty(), SandboxPaths.SANDBOX_UID, SandboxPaths.SANDBOX_GID);
  }
}
