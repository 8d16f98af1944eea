package dev.bastion.gateway.access;

import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PolicyDecision;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.CreateRequest;
import dev.bastion.controller.sandbox.LabelSelector;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.controller.sandbox.SnapshotView;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.policy.ToolGate;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * The caller's sandboxes, each lifecycle call decided by {@link ToolGate} under the tool name its
 * front end calls it by (gRPC's {@code sandboxes.create}, MCP's {@code create_sandbox}). A sandbox
 * is looked up as the caller's before any policy is asked, so another tenant's is NOT_FOUND
 * whatever policies say; and nothing changes before the call is allowed.
 */
public final class GatedSandboxes {

  private final SandboxService sandboxes;
  private final ToolGate gate;

  public GatedSandboxes(SandboxService sandboxes, ToolGate gate) {
    this.sandboxes = sandboxes;
    this.gate = gate;
  }

  /** Creates a sandbox once {@code tool} is allowed on the labels and template it would have. */
  public Future<SandboxView> create(Tenant tenant, CreateRequest wanted, String tool) {
    PolicyDecision decision =
        gate.admit(
            tenant,
            new ToolGate.Target("", wanted.labels(), sandboxes.templateOf(wanted)),
            ToolCall.of(tool));
    return sandboxes.create(wanted, decision.limits().get(Limit.MAX_SANDBOXES));
  }

  /** The caller's sandbox {@code id}, once policy has allowed {@code tool} on it. */
  public SandboxView get(Tenant tenant, String id, String tool) {
    SandboxView sandbox = sandboxes.get(tenant.name(), requireId(id));
    gate.admit(tenant, ToolGate.Target.of(sandbox), ToolCall.of(tool));
    return sandbox;
  }

  /** The caller's sandboxes that {@code selector} matches, once policy has allowed {@code tool}. */
  public List<SandboxView> list(Tenant tenant, LabelSelector selector, String tool) {
    gate.admit(tenant, ToolGate.Target.NONE, ToolCall.of(tool));
    return sandboxes.list(tenant.name(), selector);
  }

  /** Deletes the caller's sandbox {@code id}; completes once it is gone. */
  public Future<Void> delete(Tenant tenant, String id, String tool) {
    return sandboxes.delete(tenant.name(), get(tenant, id, tool).id());
  }

  /** Stops the caller's sandbox {@code id}, keeping its workspace. */
  public Future<SandboxView> suspend(Tenant tenant, String id, String tool) {
    return sandboxes.suspend(tenant.name(), get(tenant, id, tool).id());
  }

  /** Starts the caller's suspended sandbox {@code id} again. */
  public Future<SandboxView> resume(Tenant tenant, String id, String tool) {
    return sandboxes.resume(tenant.name(), get(tenant, id, tool).id());
  }

  /**
   * Snapshots the caller's sandbox {@code id}, which keeps running, once {@code tool} is allowed on
   * it.
   */
  public Future<SnapshotView> snapshot(
      Tenant tenant, String id, Map<String, String> labels, String tool) {
    return sandboxes.snapshots().take(tenant.name(), get(tenant, id, tool).id(), labels);
  }

  /** The caller's snapshots that {@code selector} matches, once policy has allowed {@code tool}. */
  public Future<List<SnapshotView>> listSnapshots(
      Tenant tenant, LabelSelector selector, String tool) {
    gate.admit(tenant, ToolGate.Target.NONE, ToolCall.of(tool));
    return sandboxes.snapshots().list(tenant.name(), selector);
  }

  /** Deletes the caller's snapshot {@code id}, once policy has allowed {@code tool}. */
  public Future<Void> deleteSnapshot(Tenant tenant, String id, String tool) {
    gate.admit(tenant, ToolGate.Target.NONE, ToolCall.of(tool));
    return sandboxes.snapshots().delete(tenant.name(), id);
  }

  /** {@code id}, which a call must name; INVALID_ARGUMENT when it is empty. */
  public static String requireId(String id) {
    if (id.isEmpty()) {
      throw SandboxError.invalid("sandbox_id is required");
    }
    return id;
  }
}
