package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The sandboxes a policy covers: those carrying all these labels; all when empty. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ToolPolicySelector {

  private Map<String, String> matchLabels;

  public Map<String, String> getMatchLabels() {
    return matchLabels;
  }

  public void setMatchLabels(Map<String, String> matchLabels) {
    this.matchLabels = matchLabels;
  }
}
