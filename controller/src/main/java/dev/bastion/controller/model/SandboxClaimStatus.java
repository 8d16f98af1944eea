package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What was last observed of a claim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxClaimStatus {

  /** Ready and Finished. */
  private List<Condition> conditions;

  /** The sandbox serving the claim. */
  private ClaimedSandbox sandbox;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ClaimedSandbox getSandbox() {
    return sandbox;
  }

  public void setSandbox(ClaimedSandbox sandbox) {
    this.sandbox = sandbox;
  }
}
