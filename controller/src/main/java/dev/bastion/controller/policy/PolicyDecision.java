package dev.bastion.controller.policy;

import java.util.List;

/**
 * What the policies in force decided about one call.
 *
 * @param policy the deciding policy; empty when no policy covers the call
 * @param rule the deciding rule; {@link #DEFAULT_RULE} when the policy's default decided
 * @param message for a denial: what the agent is told besides the rule's name
 * @param audited {@code policy/rule} of every Audit rule that matched
 * @param limits the limits the call must stay within when allowed
 */
public record PolicyDecision(
    boolean allowed,
    String policy,
    String rule,
    String message,
    List<String> audited,
    PolicyLimits limits) {

  /** The rule name recorded when a policy's defaultAction decided. */
  public static final String DEFAULT_RULE = "defaultAction";

  public PolicyDecision {
    audited = List.copyOf(audited);
  }

  /** The name of what decided, for metrics and the audit log: {@code policy/rule} or "". */
  public String decidedBy() {
    return policy.isEmpty() ? "" : policy + "/" + rule;
  }
}
