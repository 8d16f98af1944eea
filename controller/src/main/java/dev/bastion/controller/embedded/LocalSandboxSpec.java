package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxLimits;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pod template as the embedded runtime runs it.
 *
 * @param runtime the OCI runtime of the sandbox
 * @param image the image it runs and when to pull it
 * @param limits its cgroup limits and /tmp size
 * @param env environment of the sandbox's processes, in the template's order
 * @param workspaceBytes the size of the workspace's file system: what the workspace volume claim
 *     template requests, or the default
 */
public record LocalSandboxSpec(
    RuntimeKind runtime,
    ImageChoice image,
    SandboxLimits limits,
    Map<String, String> env,
    long workspaceBytes) {

  public LocalSandboxSpec {
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }
}
