package dev.bastion.gateway.access;

import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.metrics.StreamMetrics;
import dev.bastion.gateway.policy.ToolGate;

/**
 * The one way into a caller's sandbox that every call to sandboxd takes, relayed for an agent's
 * gRPC call or made by the gateway for an MCP tool, the console or a terminal: the sandbox must be
 * the caller's and READY, and policy decides the call before anything reaches it. What follows is
 * the {@link SandboxCall}'s.
 */
public final class SandboxdAccess {

  private final SandboxdClients clients;
  private final SandboxService sandboxes;
  private final ToolGate gate;
  private final StreamMetrics metrics;

  public SandboxdAccess(
      SandboxdClients clients, SandboxService sandboxes, ToolGate gate, StreamMetrics metrics) {
    this.clients = clients;
    this.sandboxes = sandboxes;
    this.gate = gate;
    this.metrics = metrics;
  }

  /**
   * Admits the call whose first message is {@code first}; {@link SandboxCall#close} it exactly when
   * it ends, however it ends.
   *
   * @throws dev.bastion.controller.sandbox.SandboxError when the sandbox is not the caller's, not
   *     READY, or policy refuses the call
   */
  public <Req, Resp> SandboxCall<Req, Resp> open(Tenant tenant, Route<Req, Resp> route, Req first) {
    String sandboxId = GatedSandboxes.requireId(route.sandboxIdOf().apply(first));
    SandboxView sandbox = sandboxes.get(tenant.name(), sandboxId);
    return new SandboxCall<>(
        route,
        sandbox,
        sandboxes.sandboxdOfReady(sandbox),
        CallGuard.admit(gate, metrics, route, tenant, sandbox, first),
        clients,
        sandboxes);
  }
}
