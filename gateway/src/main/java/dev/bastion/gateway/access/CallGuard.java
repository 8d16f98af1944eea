package dev.bastion.gateway.access;

import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PolicyDecision;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.metrics.StreamKind;
import dev.bastion.gateway.metrics.StreamMetrics;
import dev.bastion.gateway.policy.LimitExceededException;
import dev.bastion.gateway.policy.ToolGate;
import java.util.Optional;

/**
 * The policy's side of one call to sandboxd, forwarded or made by the gateway: decided before
 * anything reaches the sandbox, then held to its limits while it runs (file bytes both ways, a
 * process slot until it ends) and counted in the stream metrics while it is open.
 */
final class CallGuard<Req, Resp> {

  private final ToolGate gate;
  private final Route<Req, Resp> route;
  private final Tenant tenant;
  private final ToolGate.Target target;
  private final ToolCall call;
  private final PolicyDecision decision;
  private final Optional<PolicyLimits.Bound> maxFileBytes;
  private final ToolGate.ExecSlot slot;
  private final StreamMetrics.Flow flow;
  private final long startNanos;
  private final Req first;
  private long fileBytes;
  private boolean closed;

  private CallGuard(
      ToolGate gate,
      StreamMetrics metrics,
      Route<Req, Resp> route,
      Tenant tenant,
      SandboxView sandbox,
      Req message) {
    this.gate = gate;
    this.route = route;
    this.tenant = tenant;
    this.target = ToolGate.Target.of(sandbox);
    ToolCall last = null;
    PolicyDecision decided = null;
    for (ToolCall toolCall : route.toolCalls().apply(message)) {
      decided = gate.admit(tenant, target, toolCall);
      last = toolCall;
    }
    this.call = last;
    this.decision = decided;
    this.maxFileBytes =
        route.kind() == StreamKind.FILE
            ? decided.limits().get(Limit.MAX_FILE_BYTES)
            : Optional.empty();
    this.slot = route.kind().startsProcess() ? gate.openExec(tenant, target, last, decided) : null;
    this.flow = metrics.of(route.kind());
    this.startNanos = System.nanoTime();
    flow.opened();
    try {
      this.first = route.prepare().apply(sandbox, decided.limits(), message);
      onBytesIn(route.bytesIn().applyAsLong(first));
    } catch (RuntimeException e) {
      close();
      throw e instanceof LimitExceededException limit ? refuse(limit) : e;
    }
  }

  /**
   * Decides the call whose first message is {@code message}.
   *
   * @throws SandboxError when a policy denies it or it asks past a limit
   */
  static <Req, Resp> CallGuard<Req, Resp> admit(
      ToolGate gate,
      StreamMetrics metrics,
      Route<Req, Resp> route,
      Tenant tenant,
      SandboxView sandbox,
      Req message) {
    return new CallGuard<>(gate, metrics, route, tenant, sandbox, message);
  }

  /** The first message to forward, with the limits applied. */
  Req first() {
    return first;
  }

  /** Checks a later request message; throws a {@link SandboxError} when it goes past a limit. */
  void onRequest(Req message) {
    onBytesIn(route.bytesIn().applyAsLong(message));
  }

  /** Checks a response message; throws a {@link SandboxError} when it goes past a limit. */
  void onResponse(Resp message) {
    long bytes = route.bytesOut().applyAsLong(message);
    flow.out(bytes);
    countFileBytes(bytes);
  }

  /** Gives back what the call held. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    flow.closed(startNanos);
    if (slot != null) {
      slot.close();
    }
  }

  private void onBytesIn(long bytes) {
    flow.in(bytes);
    countFileBytes(bytes);
  }

  private void countFileBytes(long bytes) {
    if (bytes == 0 || maxFileBytes.isEmpty()) {
      return;
    }
    fileBytes += bytes;
    if (fileBytes > maxFileBytes.get().value()) {
      throw refuse(new LimitExceededException(maxFileBytes.get(), "the file is larger than"));
    }
  }

  private SandboxError refuse(LimitExceededException e) {
    return gate.refuse(tenant, target, call, e, decision);
  }
}
