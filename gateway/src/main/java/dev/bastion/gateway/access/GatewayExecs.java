package dev.bastion.gateway.access;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.metrics.StreamKind;

/**
 * Exec streams into a caller's sandbox that the gateway opens itself for callers that are not gRPC
 * streams (the WebSocket terminal), admitted, limited, audited and counted exactly as a forwarded
 * {@code Processes.Exec}: same owner and READY check, policy decision, process slot and metrics.
 */
public final class GatewayExecs {

  private final SandboxdAccess access;

  public GatewayExecs(SandboxdAccess access) {
    this.access = access;
  }

  /**
   * Decides the Exec whose first message is {@code start} as the tool {@code tool}, before anything
   * reaches the sandbox. Call it on an event loop; {@link SandboxCall#close} the call exactly when
   * it ends, however it ends.
   *
   * @param defaultTimeoutSeconds the timeout when {@code start} asks for none, lowered to a
   *     policy's maxExecSeconds
   * @throws dev.bastion.controller.sandbox.SandboxError when the sandbox is not the caller's
   *     (NOT_FOUND), not READY (FAILED_PRECONDITION), or policy refuses the call
   */
  public SandboxCall<ExecRequest, ExecEvent> admit(
      Tenant tenant, String tool, StreamKind kind, long defaultTimeoutSeconds, ExecRequest start) {
    return access.open(tenant, ProcessRoutes.exec(tool, kind, defaultTimeoutSeconds), start);
  }
}
