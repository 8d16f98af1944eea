package dev.bastion.controller.runtime;

/**
 * Resource limits of one sandbox, enforced by the host's cgroups.
 *
 * @param memoryBytes memory limit; the whole sandbox is stopped when it is exceeded
 * @param pids limit on host tasks in the sandbox's cgroup. Under gVisor's ptrace platform this
 *     counts the sandbox kernel's own threads and stub processes too, about 20 host tasks per
 *     sandboxed process when many run at once (measured), so it must be generous; a sandbox that
 *     reaches it is stopped
 * @param cpuMillis CPU time per second of wall time, in thousandths of a core
 * @param tmpBytes size of the tmpfs mounted on /tmp
 */
public record SandboxLimits(long memoryBytes, int pids, int cpuMillis, long tmpBytes) {

  public SandboxLimits {
    if (memoryBytes < 128L << 20) {
      throw new IllegalArgumentException("memory limit must be at least 128Mi");
    }
    if (pids < 64) {
      throw new IllegalArgumentException("pids limit must be at least 64");
    }
    if (cpuMillis < 100) {
      throw new IllegalArgumentException("cpu limit must be at least 100m");
    }
    if (tmpBytes < 1L << 20) {
      throw new IllegalArgumentException("/tmp size must be at least 1Mi");
    }
  }

  /** What the built-in templates get unless they say otherwise. */
  public static SandboxLimits defaults() {
    return new SandboxLimits(512L << 20, 4096, 1000, 256L << 20);
  }
}
