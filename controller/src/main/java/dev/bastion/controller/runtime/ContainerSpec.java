package dev.bastion.controller.runtime;

import java.nio.file.Path;

/**
 * Everything the host needs to start one sandbox container.
 *
 * @param id container id, also the sandbox id and its hostname
 * @param rootfs read-only root filesystem
 * @param sandboxdJar the sandboxd jar, mounted read-only at {@link SandboxPaths#SANDBOXD_JAR}
 * @param workspaceDir host directory mounted read-write at /workspace
 * @param socketDir host directory mounted at /run/bastion, where sandboxd creates its socket
 * @param limits cgroup limits
 */
public record ContainerSpec(
    String id,
    Path rootfs,
    Path sandboxdJar,
    Path workspaceDir,
    Path socketDir,
    SandboxLimits limits) {}
