package dev.bastion.gateway.server;

import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.gateway.auth.MetricsToken;
import java.nio.file.Path;

/**
 * How {@code bastion serve} was asked to run, parsed once at start.
 *
 * @param host the address to listen on
 * @param port the one port for gRPC, HTTP and metrics
 * @param stateDir durable state: the store, the sandboxes' workspaces, the runtime's state
 * @param tokensFile bearer tokens, or null to use (and first generate) stateDir/tokens
 * @param cacheDir where the sandbox root filesystem is built and kept
 * @param mirror the Debian mirror for building the root filesystem
 * @param sandboxdJar the sandboxd jar mounted into every sandbox
 * @param warmReplicas ready sandboxes the shipped warm pool {@code python} keeps
 * @param auditLog the file policy decisions are appended to
 * @param kubernetesNamespace the namespace served on Kubernetes; null in embedded mode
 * @param ceilings what embedded mode grants one sandbox, and all workspaces together, at most
 * @param metricsToken the bearer token /metrics asks for; null serves it to anyone
 * @param registries how embedded mode reaches image registries (plain-HTTP ones, credentials)
 */
public record ServerConfig(
    String host,
    int port,
    Path stateDir,
    Path tokensFile,
    RuntimeKind runtime,
    Path cacheDir,
    String mirror,
    Path sandboxdJar,
    int warmReplicas,
    Path auditLog,
    String kubernetesNamespace,
    SandboxCeilings ceilings,
    MetricsToken metricsToken,
    PullRules registries) {

  /** Largest gRPC message an agent may send: a 4 MiB payload plus framing. */
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024 + 16 * 1024;
}
