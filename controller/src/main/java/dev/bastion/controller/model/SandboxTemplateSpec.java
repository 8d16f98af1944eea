package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** The blueprint of sandboxes plus what claims may add and how the network is policed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxTemplateSpec implements PodShape {

  /** The pod to run (required). */
  @Required private PodTemplate podTemplate;

  private List<VolumeClaimTemplate> volumeClaimTemplates;
  private Boolean service;

  /** Rules of the managed NetworkPolicy; none means the secure default. */
  private SandboxNetworkPolicy networkPolicy;

  /** Managed (default) or Unmanaged. */
  @Default("Managed")
  private NetworkPolicyManagement networkPolicyManagement;

  /** Whether a claim may add env vars; Disallowed when unset. */
  @Default("Disallowed")
  private InjectionPolicy envVarsInjectionPolicy;

  /** Whether a claim may add volumes; Disallowed when unset. */
  @Default("Disallowed")
  private InjectionPolicy volumeClaimTemplatesPolicy;

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

  public SandboxNetworkPolicy getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(SandboxNetworkPolicy networkPolicy) {
    this.networkPolicy = networkPolicy;
  }

  public NetworkPolicyManagement getNetworkPolicyManagement() {
    return networkPolicyManagement;
  }

  public void setNetworkPolicyManagement(NetworkPolicyManagement networkPolicyManagement) {
    this.networkPolicyManagement = networkPolicyManagement;
  }

  public InjectionPolicy getEnvVarsInjectionPolicy() {
    return envVarsInjectionPolicy;
  }

  public void setEnvVarsInjectionPolicy(InjectionPolicy envVarsInjectionPolicy) {
    this.envVarsInjectionPolicy = envVarsInjectionPolicy;
  }

  public InjectionPolicy getVolumeClaimTemplatesPolicy() {
    return volumeClaimTemplatesPolicy;
  }

  public void setVolumeClaimTemplatesPolicy(InjectionPolicy volumeClaimTemplatesPolicy) {
    this.volumeClaimTemplatesPolicy = volumeClaimTemplatesPolicy;
  }
}
