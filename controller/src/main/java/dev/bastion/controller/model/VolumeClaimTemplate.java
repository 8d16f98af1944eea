package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;

/**
 * A PersistentVolumeClaim made for each sandbox, named {@code <name>-<sandbox>} and mounted
 * StatefulSet-style.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeClaimTemplate {

  private TemplateMetadata metadata;
  private PersistentVolumeClaimSpec spec;

  public TemplateMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(TemplateMetadata metadata) {
    this.metadata = metadata;
  }

  public PersistentVolumeClaimSpec getSpec() {
    return spec;
  }

  public void setSpec(PersistentVolumeClaimSpec spec) {
    this.spec = spec;
  }
}
