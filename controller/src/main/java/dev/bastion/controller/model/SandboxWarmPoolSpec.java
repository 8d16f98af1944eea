package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** How many ready sandboxes of which template a pool keeps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxWarmPoolSpec {

  /** Members to keep; 1 when unset, never negative. */
  @SpecReplicas
  @Default("1")
  @Min(0)
  @Max(ManifestValidator.MAX_REPLICAS)
  private Integer replicas;

  /** The template members are built from (required). */
  @Required private LocalObjectReference sandboxTemplateRef;

  /** What happens to members built from an older template. */
  private UpdateStrategy updateStrategy;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public LocalObjectReference getSandboxTemplateRef() {
    return sandboxTemplateRef;
  }

  public void setSandboxTemplateRef(LocalObjectReference sandboxTemplateRef) {
    this.sandboxTemplateRef = sandboxTemplateRef;
  }

  public UpdateStrategy getUpdateStrategy() {
    return updateStrategy;
  }

  public void setUpdateStrategy(UpdateStrategy updateStrategy) {
    this.updateStrategy = updateStrategy;
  }
}
