package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** What a Sandbox should be. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxSpec implements PodShape {

  /** The pod to run (required). */
  @Required private PodTemplate podTemplate;

  /** Volumes that outlive the pod; immutable after create. */
  private List<VolumeClaimTemplate> volumeClaimTemplates;

  /** True: a headless Service named like the Sandbox gives it a stable DNS name. */
  private Boolean service;

  /** Absolute expiry (RFC 3339). */
  private String shutdownTime;

  /** What expiry does; Retain when unset. */
  @Default("Retain")
  private ShutdownPolicy shutdownPolicy;

  /** Running (default) or Suspended. */
  @Default("Running")
  private OperatingMode operatingMode;

  public PodTemplate getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(PodTemplate podTemplate) {
    this.podTemplate = podTemplate;
  }

  public List<VolumeClaimTemplate> getVolumeClaimTemplates() {
    return volumeClaimTemplates;
  }

  public void setVolumeClaimTemplates(List<VolumeClaimTemplate> volumeClaimTemplates) {
    this.volumeClaimTemplates = volumeClaimTemplates;
  }

  public Boolean getService() {
    return service;
  }

  public void setService(Boolean service) {
    this.service = service;
  }

  public String getShutdownTime() {
    return shutdownTime;
  }

  public void setShutdownTime(String shutdownTime) {
    this.shutdownTime = shutdownTime;
  }

  public ShutdownPolicy getShutdownPolicy() {
    return shutdownPolicy;
  }

  public void setShutdownPolicy(ShutdownPolicy shutdownPolicy) {
    this.shutdownPolicy = shutdownPolicy;
  }

  public OperatingMode getOperatingMode() {
    return operatingMode;
  }

  public void setOperatingMode(OperatingMode operatingMode) {
    this.operatingMode = operatingMode;
  }
}
