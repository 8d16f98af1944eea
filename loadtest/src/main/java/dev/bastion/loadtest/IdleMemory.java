package dev.bastion.loadtest;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * RSS of one idle sandbox and of the gateway. sandboxd runs inside gVisor, so its memory is part of
 * the runsc-sandbox host process; the runsc-gofer serves the sandbox's files. Both name the sandbox
 * id on their command line, which is how they are found.
 */
final class IdleMemory {

  private static final List<String> SANDBOX_PROGRAMS = List.of("runsc-sandbox", "runsc-gofer");

  private final BastionClient client;

  IdleMemory(BastionClient client) {
    this.client = client;
  }

  /** {@code gatewayPid} may be null when attached to a gateway whose pid was not given. */
  JsonObject measure(Duration idle, Long gatewayPid) throws InterruptedException {
    JsonObject result = new JsonObject();
    try (SandboxLease lease = client.create()) {
      // Let start-up garbage (sandboxd's JVM, first connections) settle before reading RSS.
      Thread.sleep(idle.toMillis());
      for (String program : SANDBOX_PROGRAMS) {
        result.put(program + "_kib", rssOf(program, lease.id()));
      }
      result.put("idle_sandbox_kib", sandboxKiB(lease.id())).put("idle_seconds", idle.toSeconds());
      if (gatewayPid != null) {
        result.put("gateway_kib", ProcessMemory.rssKiB(gatewayPid));
      }
    }
    return result;
  }

  /** What the sandbox holds on the host now: its runsc-sandbox and runsc-gofer RSS together. */
  static long sandboxKiB(String sandboxId) {
    return SANDBOX_PROGRAMS.stream().mapToLong(program -> rssOf(program, sandboxId)).sum();
  }

  private static long rssOf(String program, String sandboxId) {
    List<ProcessMemory.HostProcess> matches =
        ProcessMemory.all().stream()
            .filter(p -> p.program().equals(program) && p.cmdline().contains(sandboxId))
            .toList();
    if (matches.isEmpty()) {
      throw new IllegalStateException("no " + program + " process for sandbox " + sandboxId);
    }
    return matches.stream().mapToLong(p -> ProcessMemory.rssKiB(p.pid())).sum();
  }
}
