package dev.bastion.controller.policy;

import dev.bastion.controller.model.ToolPolicyDefaultAction;
import dev.bastion.controller.model.ToolPolicyRuleAction;
import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The policies in force, immutable: a new set replaces the old one whole when a policy changes, so
 * a call is decided by one consistent set.
 *
 * <p>Within a policy the first Allow or Deny rule whose condition holds decides, and its
 * defaultAction decides when none does; Audit rules only record. Across policies any denial wins,
 * and each limit is the tightest any covering policy sets. A call no policy covers is allowed
 * without limits. A rule whose condition cannot be evaluated (say, a missing map key) denies the
 * call: a policy that cannot say yes must not let it through.
 */
public final class PolicySet {

  public static final PolicySet EMPTY = new PolicySet(List.of());

  private final List<CompiledPolicy> policies;

  public PolicySet(List<CompiledPolicy> policies) {
    // In name order, so which of several denials is reported does not depend on load order.
    this.policies = policies.stream().sorted(Comparator.comparing(CompiledPolicy::name)).toList();
  }

  public int size() {
    return policies.size();
  }

  /**
   * Decides {@code call} of {@code tenant} on a sandbox with {@code labels}, made from {@code
   * template}.
   */
  public PolicyDecision decide(
      ToolCall call, String tenant, Map<String, String> labels, String template) {
    PolicyDecision denial = null;
    PolicyDecision allowance = null;
    List<String> audited = new ArrayList<>();
    PolicyLimits limits = PolicyLimits.NONE;
    Map<String, Object> variables = null;
    for (CompiledPolicy policy : policies) {
      if (!policy.covers(tenant, labels)) {
        continue;
      }
      if (variables == null) {
        variables = PolicyVariables.of(call, tenant, labels, template);
      }
      PolicyDecision decision = decideOne(policy, variables, audited);
      limits = limits.tightest(policy.limits());
      if (!decision.allowed() && denial == null) {
        denial = decision;
      } else if (decision.allowed() && allowance == null) {
        allowance = decision;
      }
    }
    PolicyDecision decided =
        denial != null
            ? denial
            : allowance != null
                ? allowance
                : new PolicyDecision(true, "", "", "", List.of(), PolicyLimits.NONE);
    return new PolicyDecision(
        decided.allowed(), decided.policy(), decided.rule(), decided.message(), audited, limits);
  }

  private static PolicyDecision decideOne(
      CompiledPolicy policy, Map<String, Object> variables, List<String> audited) {
    for (CompiledRule rule : policy.rules()) {
      boolean matches;
      try {
        matches = rule.matches(variables);
      } catch (CelEvaluationException e) {
        return new PolicyDecision(
            false,
            policy.name(),
            rule.name(),
            "the rule could not be evaluated for this call: " + reason(e),
            List.of(),
            policy.limits());
      }
      if (!matches) {
        continue;
      }
      if (rule.action() == ToolPolicyRuleAction.Audit) {
        audited.add(policy.name() + "/" + rule.name());
        continue;
      }
      return new PolicyDecision(
          rule.action() == ToolPolicyRuleAction.Allow,
          policy.name(),
          rule.name(),
          rule.message(),
          List.of(),
          policy.limits());
    }
    return new PolicyDecision(
        policy.defaultAction() == ToolPolicyDefaultAction.Allow,
        policy.name(),
        PolicyDecision.DEFAULT_RULE,
        policy.defaultAction() == ToolPolicyDefaultAction.Deny
            ? "no rule of the policy allows this call"
            : "",
        List.of(),
        policy.limits());
  }

  /** Why evaluation failed, in the policy's terms rather than CEL's internals. */
  private static String reason(CelEvaluationException e) {
    if (e.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND && e.getCause() != null) {
      return "it reads \""
          + e.getCause().getMessage()
          + "\", which this call does not have (test with `in` first)";
    }
    return e.getMessage();
  }
}
