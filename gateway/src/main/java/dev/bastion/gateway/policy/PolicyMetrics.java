package dev.bastion.gateway.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code bastion_policy_decisions_total{decision,rule}} and {@code
 * bastion_policy_evaluation_seconds}. Rules come from admins' policies, so the label values stay
 * few; counters are cached because every call records one.
 */
final class PolicyMetrics {

  private final MeterRegistry registry;
  private final Timer evaluation;
  private final Map<String, Counter> decisions = new ConcurrentHashMap<>();

  PolicyMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.evaluation =
        Timer.builder("bastion.policy.evaluation")
            .description("Time to decide one tool call against the policies in force")
            .publishPercentileHistogram()
            .register(registry);
  }

  void evaluated(long nanos) {
    evaluation.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * @param decision allow, deny or limit
   * @param rule {@code policy/rule}, a limit's name, or "none" when no policy covers the call
   */
  void decided(String decision, String rule) {
    decisions
        .computeIfAbsent(
            decision + "\n" + rule,
            key ->
                Counter.builder("bastion.policy.decisions")
                    .description("Tool calls decided by policy")
                    .tag("decision", decision)
                    .tag("rule", rule)
                    .register(registry))
        .increment();
  }
}
