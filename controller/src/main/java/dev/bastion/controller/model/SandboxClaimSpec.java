package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** A request for one sandbox from a warm pool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxClaimSpec {

  /** The pool to claim from (required). */
  @Required private LocalObjectReference warmPoolRef;

  private ClaimLifecycle lifecycle;

  /** Labels and annotations added to the claimed sandbox. */
  private TemplateMetadata additionalPodMetadata;

  /** Environment added to the sandbox's containers; forces a cold start. */
  private List<ClaimEnvVar> env;

  /** Volumes added to the sandbox; forces a cold start. */
  private List<VolumeClaimTemplate> volumeClaimTemplates;

  public LocalObjectReference getWarmPoolRef() {
    return warmPoolRef;
  }

  public void setWarmPoolRef(LocalObjectReference warmPoolRef) {
    this.warmPoolRef = warmPoolRef;
  }

  public ClaimLifecycle getLifecycle() {
    return lifecycle;
  }

  public void setLifecycle(ClaimLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  public TemplateMetadata getAdditionalPodMetadata() {
    return additionalPodMetadata;
  }

  public void setAdditionalPodMetadata(TemplateMetadata additionalPodMetadata) {
    this.additionalPodMetadata = additionalPodMetadata;
  }

  public List<ClaimEnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<ClaimEnvVar> env) {
    this.env = env;
  }

  public List<VolumeClaimTemplate> getVolumeClaimTemplates() {
    return volumeClaimTemplates;
  }

  public void setVolumeClaimTemplates(List<VolumeClaimTemplate> volumeClaimTemplates) {
    this.volumeClaimTemplates = volumeClaimTemplates;
  }
}
