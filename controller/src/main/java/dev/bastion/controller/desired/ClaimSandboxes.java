package dev.bastion.controller.desired;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ClaimEnvVar;
import dev.bastion.controller.model.InjectionPolicy;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.ReservedMetadata;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.TemplateMetadata;
import dev.bastion.controller.model.VolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox that serves a claim: a pool member handed over to it, or one started cold for it.
 * Pure: builds objects, writes nothing.
 */
public final class ClaimSandboxes {

  public static final String WARM = "warm";
  public static final String COLD = "cold";

  private ClaimSandboxes() {}

  /** Whether the claim must be served cold: it changes the pod (upstream semantics). */
  public static boolean needsColdStart(SandboxClaim claim) {
    return notEmpty(claim.getSpec().getEnv())
        || notEmpty(claim.getSpec().getVolumeClaimTemplates());
  }

  /**
   * {@code member} handed over to {@code claim}: no longer labelled as a pool member, controlled by
   * the claim, carrying the claim's labels and annotations.
   */
  public static Sandbox adopted(Sandbox member, SandboxClaim claim) {
    Sandbox sandbox = ModelSerialization.copy(member);
    sandbox.getMetadata().getLabels().remove(AgentLabels.WARM_POOL);
    sandbox.getMetadata().getLabels().remove(AgentLabels.TEMPLATE_HASH);
    markClaimed(sandbox, claim, WARM);
    return sandbox;
  }

  /**
   * A Sandbox named like the claim, built from the template plus the claim's env and volumes, as
   * far as the template's injection policies allow.
   *
   * @throws IllegalArgumentException when the claim adds what the template does not allow
   */
  public static Sandbox cold(SandboxClaim claim, SandboxTemplate template) {
    Sandbox sandbox =
        SandboxBlueprint.fromTemplate(
            template, claim.getMetadata().getNamespace(), claim.getMetadata().getName());
    injectEnv(sandbox, claim.getSpec().getEnv(), template.getSpec().getEnvVarsInjectionPolicy());
    injectVolumes(
        sandbox,
        claim.getSpec().getVolumeClaimTemplates(),
        template.getSpec().getVolumeClaimTemplatesPolicy());
    markClaimed(sandbox, claim, COLD);
    return sandbox;
  }

  private static void markClaimed(Sandbox sandbox, SandboxClaim claim, String launchType) {
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    TemplateMetadata extra = claim.getSpec().getAdditionalPodMetadata();
    // The claim's extra metadata never overrides the controller's keys set below (nor any
    // other): apply refuses them, and this keeps claims made before that harmless.
    if (extra != null) {
      labels.putAll(ReservedMetadata.keepControllers(Map.of(), extra.getLabels()));
      annotations.putAll(ReservedMetadata.keepControllers(Map.of(), extra.getAnnotations()));
    }
    Map<String, String> claimLabels = claim.getMetadata().getLabels();
    if (claimLabels != null && claimLabels.containsKey(AgentLabels.TENANT)) {
      labels.put(AgentLabels.TENANT, claimLabels.get(AgentLabels.TENANT));
    }
    labels.put(AgentLabels.CLAIM, claim.getMetadata().getName());
    annotations.put(AgentLabels.LAUNCH_TYPE, launchType);
    annotations.put(AgentLabels.FROM_WARM_POOL, claim.getSpec().getWarmPoolRef().getName());
    sandbox.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(claim)));
  }

  private static void injectEnv(Sandbox sandbox, List<ClaimEnvVar> env, InjectionPolicy policy) {
    if (!notEmpty(env)) {
      return;
    }
    if (policy == null || policy == InjectionPolicy.Disallowed) {
      throw new IllegalArgumentException(
          "the claim sets env but its template's envVarsInjectionPolicy is Disallowed");
    }
    for (ClaimEnvVar var : env) {
      boolean matched = false;
      for (Container container : sandbox.getSpec().getPodTemplate().getSpec().getContainers()) {
        if (var.getContainerName() != null && !var.getContainerName().equals(container.getName())) {
          continue;
        }
        matched = true;
        List<EnvVar> vars =
            container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
        boolean present = vars.removeIf(v -> v.getName().equals(var.getName()));
        if (present && policy != InjectionPolicy.Overrides) {
          throw new IllegalArgumentException(
              "env "
                  + var.getName()
                  + " is set by the template; overriding it needs envVarsInjectionPolicy Overrides");
        }
        vars.add(new EnvVar(var.getName(), var.getValue(), null));
        container.setEnv(vars);
      }
      if (!matched) {
        throw new IllegalArgumentException(
            "env "
                + var.getName()
                + " names container \""
                + var.getContainerName()
                + "\", which the template does not have");
      }
    }
  }

  private static void injectVolumes(
      Sandbox sandbox, List<VolumeClaimTemplate> volumes, InjectionPolicy policy) {
    if (!notEmpty(volumes)) {
      return;
    }
    if (policy == null || policy == InjectionPolicy.Disallowed) {
      throw new IllegalArgumentException(
          "the claim sets volumeClaimTemplates but its template's volumeClaimTemplatesPolicy is Disallowed");
    }
    Map<String, VolumeClaimTemplate> byName = new HashMap<>();
    List<VolumeClaimTemplate> existing = sandbox.getSpec().getVolumeClaimTemplates();
    if (existing != null) {
      existing.forEach(v -> byName.put(v.getMetadata().getName(), v));
    }
    for (VolumeClaimTemplate volume : volumes) {
      String name = volume.getMetadata().getName();
      if (byName.containsKey(name) && policy != InjectionPolicy.Overrides) {
        throw new IllegalArgumentException(
            "volume "
                + name
                + " is set by the template; replacing it needs volumeClaimTemplatesPolicy Overrides");
      }
      byName.put(name, volume);
    }
    sandbox.getSpec().setVolumeClaimTemplates(new ArrayList<>(byName.values()));
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }
}
