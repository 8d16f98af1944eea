package dev.bastion.gateway.policy;

import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PoliciesInForce;
import dev.bastion.controller.policy.PolicyDecision;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.auth.Tenant;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where every tool call is decided before it reaches a sandbox: the policies in force, the tenant's
 * call rate and running processes, and one audit line and metric per decision. Cheap and
 * non-blocking, so it runs on the call's event loop. Refusals are {@link SandboxError}s, which
 * every front end (gRPC, MCP, the resource API) turns into its own kind of error.
 */
public final class ToolGate {

  /** The sandbox a call acts on, as policies see it; {@link #NONE} before one exists. */
  public record Target(String sandboxId, Map<String, String> labels, String template) {

    public static final Target NONE = new Target("", Map.of(), "");

    public Target {
      labels = Map.copyOf(labels);
    }

    public static Target of(SandboxView sandbox) {
      return new Target(sandbox.id(), sandbox.labels(), sandbox.template());
    }
  }

  /** A process slot held for the length of one call; close it exactly once. */
  public interface ExecSlot extends AutoCloseable {
    @Override
    void close();
  }

  private static final String ALLOW = "allow";
  private static final String DENY = "deny";
  private static final String LIMIT = "limit";

  private final PoliciesInForce policies;
  private final AuditLog audit;
  private final PolicyMetrics metrics;
  private final CallRate rate;
  private final ExecSlots execs = new ExecSlots();
  private final Clock clock;
  private final LongSupplier nanoTime;

  public ToolGate(
      PoliciesInForce policies,
      AuditLog audit,
      MeterRegistry registry,
      Clock clock,
      LongSupplier nanoTime) {
    this.policies = policies;
    this.audit = audit;
    this.metrics = new PolicyMetrics(registry);
    this.rate = new CallRate(nanoTime);
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /**
   * Decides {@code call}; returns the decision, whose limits the call must then keep.
   *
   * @throws SandboxError INVALID_ARGUMENT for a call past {@link CallBounds}, PERMISSION_DENIED
   *     naming the rule, or RESOURCE_EXHAUSTED naming the rate limit
   */
  public PolicyDecision admit(Tenant tenant, Target target, ToolCall call) {
    CallBounds.check(call);
    long start = nanoTime.getAsLong();
    PolicyDecision decision =
        policies.current().decide(call, tenant.name(), target.labels(), target.template());
    long nanos = nanoTime.getAsLong() - start;
    metrics.evaluated(nanos);
    if (!decision.allowed()) {
      String message =
          "denied by rule \""
              + decision.rule()
              + "\" of ToolPolicy \""
              + decision.policy()
              + "\""
              + (decision.message().isEmpty() ? "" : ": " + decision.message());
      record(tenant, target, call, DENY, decision.decidedBy(), message, decision, nanos);
      throw new SandboxError(SandboxError.Kind.PERMISSION_DENIED, message);
    }
    Optional<PolicyLimits.Bound> perMinute = decision.limits().get(Limit.CALLS_PER_MINUTE);
    if (perMinute.isPresent() && !rate.tryAcquire(tenant.name(), perMinute.get().value())) {
      throw refuse(
          tenant,
          target,
          call,
          new LimitExceededException(perMinute.get(), "too many calls: over"),
          decision,
          nanos);
    }
    record(
        tenant,
        target,
        call,
        ALLOW,
        decision.policy().isEmpty() ? "none" : decision.decidedBy(),
        "",
        decision,
        nanos);
    return decision;
  }

  /**
   * Takes one of the tenant's process slots for a call that starts a process.
   *
   * @throws SandboxError RESOURCE_EXHAUSTED naming maxConcurrentExecs
   */
  public ExecSlot openExec(Tenant tenant, Target target, ToolCall call, PolicyDecision decision) {
    Optional<PolicyLimits.Bound> max = decision.limits().get(Limit.MAX_CONCURRENT_EXECS);
    if (max.isEmpty()) {
      execs.acquire(tenant.name());
    } else if (!execs.tryAcquire(tenant.name(), max.get().value())) {
      throw refuse(
          tenant,
          target,
          call,
          new LimitExceededException(max.get(), "too many processes running: at"),
          decision,
          0);
    }
    return new ExecSlot() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          execs.release(tenant.name());
        }
      }
    };
  }

  /** Records that an admitted call went past a limit, and the error that tells the agent so. */
  public SandboxError refuse(
      Tenant tenant, Target target, ToolCall call, LimitExceededException e, PolicyDecision d) {
    return refuse(tenant, target, call, e, d, 0);
  }

  private SandboxError refuse(
      Tenant tenant,
      Target target,
      ToolCall call,
      LimitExceededException e,
      PolicyDecision decision,
      long nanos) {
    record(tenant, target, call, LIMIT, e.bound().limit().field(), e.getMessage(), decision, nanos);
    return new SandboxError(SandboxError.Kind.RESOURCE_EXHAUSTED, e.getMessage());
  }

  private void record(
      Tenant tenant,
      Target target,
      ToolCall call,
      String outcome,
      String rule,
      String message,
      PolicyDecision decision,
      long nanos) {
    metrics.decided(outcome, rule);
    JsonObject line =
        new JsonObject()
            .put("time", clock.instant().toString())
            .put("tenant", tenant.name())
            .put("sandbox", target.sandboxId())
            .put("tool", call.tool())
            .put("args", ArgumentSummary.of(call))
            .put("decision", outcome)
            .put("rule", rule);
    if (!message.isEmpty()) {
      line.put("message", message);
    }
    if (!decision.audited().isEmpty()) {
      line.put("audited", new JsonArray(decision.audited()));
    }
    audit.append(line.put("latency_us", nanos / 1000).encode());
  }
}
