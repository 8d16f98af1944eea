package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Which calls a policy covers (sandboxes by label, tenants by name; both optional), its rules in
 * order, what happens when none decides, and limits on what an allowed call may use.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ToolPolicySpec {

  private ToolPolicySelector selector;
  private List<String> tenants;

  /** Allow when unset. */
  private ToolPolicyDefaultAction defaultAction;

  private List<ToolPolicyRule> rules;
  private ToolPolicyLimits limits;

  public ToolPolicySelector getSelector() {
    return selector;
  }

  public void setSelector(ToolPolicySelector selector) {
    this.selector = selector;
  }

  public List<String> getTenants() {
    return tenants;
  }

  public void setTenants(List<String> tenants) {
    this.tenants = tenants;
  }

  public ToolPolicyDefaultAction getDefaultAction() {
    return defaultAction;
  }

  public void setDefaultAction(ToolPolicyDefaultAction defaultAction) {
    this.defaultAction = defaultAction;
  }

  public List<ToolPolicyRule> getRules() {
    return rules;
  }

  public void setRules(List<ToolPolicyRule> rules) {
    this.rules = rules;
  }

  public ToolPolicyLimits getLimits() {
    return limits;
  }

  public void setLimits(ToolPolicyLimits limits) {
    this.limits = limits;
  }
}
