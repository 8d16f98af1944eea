package dev.bastion.controller.hardening;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.NetworkPolicyManagement;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxNetworkPolicy;
import dev.bastion.controller.model.SandboxTemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks whose answer depends on the kind: the network policy and the expiry. */
final class ObjectChecks {

  /** A NetworkPolicy that Bastion manages, without rules that open a direction to everyone. */
  static final HardeningCheck NETWORK_POLICY =
      new HardeningCheck("network-policy", 5, ObjectChecks::networkPolicy);

  /** A time after which the sandbox is stopped. */
  static final HardeningCheck EXPIRY = new HardeningCheck("expiry", 5, ObjectChecks::expiry);

  private static final String SECURE_DEFAULT =
      "or remove spec.networkPolicy for the secure default";

  private ObjectChecks() {}

  private static Verdict networkPolicy(GradedObject object) {
    return switch (object) {
      case GradedObject.OfTemplate template -> templatePolicy(template.template().getSpec());
      case GradedObject.OfSandbox sandbox -> sandboxPolicy(sandbox.sandbox());
    };
  }

  // Managed is the default; with no rules it admits only the gateway and reaches only public
  // addresses. A rule without peers admits (or reaches) every address, metadata services included.
  private static Verdict templatePolicy(SandboxTemplateSpec spec) {
    if (spec.getNetworkPolicyManagement() == NetworkPolicyManagement.Unmanaged) {
      return new Verdict.Fail(
          new Finding(
              "spec.networkPolicyManagement",
              "is Unmanaged: Bastion makes no NetworkPolicy for the template's pods",
              "set it to Managed or remove it"));
    }
    SandboxNetworkPolicy policy = spec.getNetworkPolicy();
    List<Finding> findings = new ArrayList<>();
    if (policy != null && policy.getIngress() != null) {
      for (int i = 0; i < policy.getIngress().size(); i++) {
        if (isEmpty(policy.getIngress().get(i).getFrom())) {
          findings.add(
              new Finding(
                  ManifestText.index("spec.networkPolicy.ingress", i) + ".from",
                  "is unset: admits traffic from every address",
                  "list the peers that may connect, " + SECURE_DEFAULT));
        }
      }
    }
    if (policy != null && policy.getEgress() != null) {
      for (int i = 0; i < policy.getEgress().size(); i++) {
        if (isEmpty(policy.getEgress().get(i).getTo())) {
          findings.add(
              new Finding(
                  ManifestText.index("spec.networkPolicy.egress", i) + ".to",
                  "is unset: allows traffic to every address, private and metadata ranges included",
                  "list the peers it may reach, " + SECURE_DEFAULT));
        }
      }
    }
    return Verdict.of(findings);
  }

  // Only templates have a managed NetworkPolicy. A Sandbox made from one (a pool member or a
  // claim's sandbox, annotated with its template) is covered by the template's, graded there.
  private static Verdict sandboxPolicy(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    String template = annotations == null ? null : annotations.get(AgentLabels.TEMPLATE);
    if (template != null) {
      return new Verdict.NotApplicable(
          "made from template "
              + ManifestText.quote(template)
              + ", whose NetworkPolicy is graded with the template");
    }
    return new Verdict.Fail(
        new Finding(
            "spec",
            "has no NetworkPolicy: Bastion makes one only for a template's pods",
            "make it from a SandboxTemplate through a SandboxClaim or SandboxWarmPool"));
  }

  private static Verdict expiry(GradedObject object) {
    return switch (object) {
      case GradedObject.OfTemplate template ->
          new Verdict.NotApplicable(
              "a SandboxTemplate carries no expiry: set spec.lifecycle.shutdownTime on the"
                  + " SandboxClaims that use it");
      case GradedObject.OfSandbox sandbox ->
          sandbox.sandbox().getSpec().getShutdownTime() != null
              ? Verdict.PASS
              : new Verdict.Fail(
                  new Finding(
                      "spec.shutdownTime",
                      "is unset: the sandbox runs until someone deletes it",
                      "set it to an RFC 3339 time, e.g. \"2030-01-01T00:00:00Z\""));
    };
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
