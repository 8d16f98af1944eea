package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PodSpec;

/** The pod a sandbox runs: its metadata and a full Kubernetes PodSpec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplate {

  /** Labels and annotations of the pod. */
  private TemplateMetadata metadata;

  /** The pod's spec (required). */
  @Required private PodSpec spec;

  public TemplateMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(TemplateMetadata metadata) {
    this.metadata = metadata;
  }

  public PodSpec getSpec() {
    return spec;
  }

  public void setSpec(PodSpec spec) {
    this.spec = spec;
  }
}
