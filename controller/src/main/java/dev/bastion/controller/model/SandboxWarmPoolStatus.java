package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/** What was last observed of a warm pool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxWarmPoolStatus {

  /** Members that exist. */
  @StatusReplicas private Integer replicas;

  /** Members that are Ready. */
  private Integer readyReplicas;

  /** Label selector of the members, for the scale subresource. */
  @LabelSelector private String selector;

  private Long observedGeneration;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }
}
