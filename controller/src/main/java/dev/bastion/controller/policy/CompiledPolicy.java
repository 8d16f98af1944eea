package dev.bastion.controller.policy;

import dev.bastion.controller.model.ToolPolicyDefaultAction;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy ready to decide calls.
 *
 * @param matchLabels the sandboxes it covers; all when empty
 * @param tenants the tenants it covers; all when empty
 */
public record CompiledPolicy(
    String name,
    Map<String, String> matchLabels,
    Set<String> tenants,
    ToolPolicyDefaultAction defaultAction,
    List<CompiledRule> rules,
    PolicyLimits limits) {

  public CompiledPolicy {
    matchLabels = Map.copyOf(matchLabels);
    tenants = Set.copyOf(tenants);
    rules = List.copyOf(rules);
  }

  /**
   * Whether this policy speaks about calls of {@code tenant} into a sandbox with {@code labels}.
   */
  boolean covers(String tenant, Map<String, String> labels) {
    return (tenants.isEmpty() || tenants.contains(tenant))
        && labels.entrySet().containsAll(matchLabels.entrySet());
  }
}
