package dev.bastion.controller.runtime;

import java.nio.file.Path;

/**
 * Everything the host needs to start one sandbox container.
 *
 * @param id container id: the name of the sandbox's directory, cgroup and container
 * @param hostname the sandbox's hostname, its Sandbox's name
 * @param rootfs read-only root filesystem: the image's
 * @param defaults the Env, WorkingDir and User of the image's processes
 * @param sandboxdRuntime sandboxd's runtime ({@link SandboxdRuntime}), mounted read-only at {@link
 *     SandboxPaths#SANDBOXD_DIR}
 * @param sandboxdJar the sandboxd jar, mounted read-only at {@link SandboxPaths#SANDBOXD_JAR}
 * @param workspaceDir host directory mounted read-write at /workspace
 * @param socketDir host directory mounted at /run/bastion, where sandboxd creates its socket
 * @param limits cgroup limits
 */
public record ContainerSpec(
    String id,
    String hostname,
    Path rootfs,
    ProcessDefaults defaults,
    Path sandboxdRuntime,
    Path sandboxdJar,
    Path workspaceDir,
    Path socketDir,
    SandboxLimits limits) {}
