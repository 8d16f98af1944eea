package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/**
 * One rule: when the CEL expression {@code when} is true of a call, {@code action} applies, and a
 * denial tells the agent {@code message}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ToolPolicyRule {

  @Required private String name;
  @Required private String when;
  @Required private ToolPolicyRuleAction action;
  private String message;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getWhen() {
    return when;
  }

  public void setWhen(String when) {
    this.when = when;
  }

  public ToolPolicyRuleAction getAction() {
    return action;
  }

  public void setAction(ToolPolicyRuleAction action) {
    this.action = action;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
