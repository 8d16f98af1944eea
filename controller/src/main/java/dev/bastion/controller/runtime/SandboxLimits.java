package dev.bastion.controller.runtime;

/**
 * Resource limits of one sandbox, enforced by the host's cgroups.
 *
 * @param memoryBytes memory limit; the whole sandbox is stopped when it is exceeded
 * @param pids limit on tasks; under gVisor every sandboxed thread is a host thread, so keep it
 *     generous (sandboxd's JVM counts too)
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
    return new SandboxLimits(512L << 20, 512, 1000, 256L << 20);
  }
}
