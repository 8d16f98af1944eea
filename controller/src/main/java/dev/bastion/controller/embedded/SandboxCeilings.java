package dev.bastion.controller.embedded;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.runtime.SandboxLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * What this server grants one sandbox at most, whoever asks (a template, an applied Sandbox, a
 * claim): memory, CPU, the /tmp tmpfs (held in memory) and the workspace's file system. A tenant
 * may write any pod template it likes into a Sandbox, so without a ceiling one Sandbox could ask
 * for the machine; set by {@code bastion serve --max-sandbox-*}.
 *
 * @param memoryBytes the memory limit a sandbox may have at most
 * @param cpuMillis the CPU limit at most, in thousandths of a core
 * @param tmpBytes the size of /tmp at most
 * @param workspaceBytes the size of /workspace at most
 * @param workspaceDiskBytes the workspaces of all sandboxes together at most; 0 for nine tenths of
 *     the file system holding the state directory
 */
public record SandboxCeilings(
    long memoryBytes, long cpuMillis, long tmpBytes, long workspaceBytes, long workspaceDiskBytes) {

  /**
   * 4Gi of memory, 2 cores, 1Gi of /tmp and a 20Gi workspace per sandbox; workspaces within nine
   * tenths of the state directory's disk.
   */
  public static SandboxCeilings defaults() {
    return new SandboxCeilings(4L << 30, 2000, 1L << 30, 20L << 30, 0);
  }

  /**
   * Refuses {@code spec} when it asks for more than a ceiling, naming every one it passes.
   *
   * @throws InvalidManifestException saying what was asked and what is allowed
   */
  public void check(LocalSandboxSpec spec) {
    SandboxLimits limits = spec.limits();
    List<String> over = new ArrayList<>();
    over(over, "memory", limits.memoryBytes(), memoryBytes, "--max-sandbox-memory");
    overCpu(over, limits.cpuMillis());
    over(over, "/tmp (ephemeral-storage)", limits.tmpBytes(), tmpBytes, "--max-sandbox-tmp");
    over(over, "/workspace", spec.workspaceBytes(), workspaceBytes, "--max-sandbox-workspace");
    if (!over.isEmpty()) {
      throw new InvalidManifestException(
          "asks for more than this server grants one sandbox: " + String.join("; ", over));
    }
  }

  private static void over(List<String> over, String what, long asked, long max, String flag) {
    if (asked > max) {
      over.add(what + " " + bytes(asked) + " is over " + bytes(max) + " (" + flag + ")");
    }
  }

  private void overCpu(List<String> over, long asked) {
    if (asked > cpuMillis) {
      over.add("cpu " + asked + "m is over " + cpuMillis + "m (--max-sandbox-cpu)");
    }
  }

  private static String bytes(long value) {
    long mebibytes = value >> 20;
    return mebibytes % 1024 == 0 ? (mebibytes / 1024) + "Gi" : mebibytes + "Mi";
  }
}
