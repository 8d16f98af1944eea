package dev.bastion.controller.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import org.junit.jupiter.api.Test;

class ClaimSandboxesTest {

  private static final String TEMPLATE =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: py, namespace: default, uid: t-1}
      spec:
        envVarsInjectionPolicy: %s
        podTemplate:
          metadata:
            labels: {app: py, agents.x-k8s.io/secret: x, extensions.agents.x-k8s.io/y: z}
            annotations: {note: kept}
          spec:
            containers:
            - name: main
              image: bastion/python
              env: [{name: BASE, value: "1"}]
      """;

  private static final String POOL =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxWarmPool
      metadata: {name: py, namespace: default, uid: pool-uid}
      spec: {replicas: 1, sandboxTemplateRef: {name: py}}
      """;

  private static final String CLAIM =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxClaim
      metadata: {name: c1, namespace: default, uid: claim-uid, labels: {bastion.dev/tenant: alice}}
      spec:
        warmPoolRef: {name: py}
        additionalPodMetadata: {labels: {owner: a42}, annotations: {why: test}}
        env: [{name: %s, value: "2"}]
      """;

  @Test
  void aBlueprintDropsReservedLabelsAndTheServiceAccountToken() {
    Sandbox sandbox = SandboxBlueprint.fromTemplate(template("Disallowed"), "default", "s1");
    assertThat(sandbox.getSpec().getPodTemplate().getMetadata().getLabels())
        .containsOnlyKeys("app");
    assertThat(sandbox.getSpec().getPodTemplate().getMetadata().getAnnotations())
        .containsEntry("note", "kept");
    assertThat(sandbox.getSpec().getPodTemplate().getSpec().getAutomountServiceAccountToken())
        .isFalse();
    assertThat(sandbox.getMetadata().getAnnotations()).containsEntry(AgentLabels.TEMPLATE, "py");
  }

  @Test
  void theTemplateHashChangesWithThePodAndNotWithMetadata() {
    SandboxTemplate template = template("Allowed");
    String hash = SandboxBlueprint.hash(template);
    template.getMetadata().setLabels(java.util.Map.of("x", "y"));
    assertThat(SandboxBlueprint.hash(template)).isEqualTo(hash);
    template
        .getSpec()
        .getPodTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setImage("bastion/python:2");
    assertThat(SandboxBlueprint.hash(template)).isNotEqualTo(hash).hasSize(10);
  }

  @Test
  void aMemberIsOwnedByItsPoolAndLabelledAsItsMember() {
    Sandbox member = PoolMembers.build(pool(), template("Allowed"), "abc", "xyz12");
    assertThat(member.getMetadata().getName()).isEqualTo("py-xyz12");
    assertThat(member.getMetadata().getLabels())
        .containsEntry(AgentLabels.WARM_POOL, "py")
        .containsEntry(AgentLabels.TEMPLATE_HASH, "abc");
    assertThat(Owners.controllerOf(member).orElseThrow().getUid()).isEqualTo("pool-uid");
  }

  @Test
  void adoptionMovesOwnershipAndLabelsToTheClaim() {
    Sandbox member = PoolMembers.build(pool(), template("Allowed"), "abc", "xyz12");
    Sandbox adopted = ClaimSandboxes.adopted(member, claim("TASK"));
    assertThat(adopted.getMetadata().getLabels())
        .doesNotContainKeys(AgentLabels.WARM_POOL, AgentLabels.TEMPLATE_HASH)
        .containsEntry(AgentLabels.CLAIM, "c1")
        .containsEntry(AgentLabels.TENANT, "alice")
        .containsEntry("owner", "a42");
    assertThat(adopted.getMetadata().getAnnotations())
        .containsEntry(AgentLabels.LAUNCH_TYPE, "warm")
        .containsEntry("why", "test");
    assertThat(adopted.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(Owners.controllerOf(adopted).orElseThrow().getUid()).isEqualTo("claim-uid");
    assertThat(member.getMetadata().getLabels())
        .as("the input is not changed")
        .containsKey(AgentLabels.WARM_POOL);
  }

  @Test
  void envInjectionFollowsTheTemplatesPolicy() {
    assertThatThrownBy(() -> ClaimSandboxes.cold(claim("TASK"), template("Disallowed")))
        .hasMessageContaining("envVarsInjectionPolicy is Disallowed");
    assertThatThrownBy(() -> ClaimSandboxes.cold(claim("BASE"), template("Allowed")))
        .hasMessageContaining("needs envVarsInjectionPolicy Overrides");
    Sandbox overridden = ClaimSandboxes.cold(claim("BASE"), template("Overrides"));
    assertThat(overridden.getSpec().getPodTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(v -> v.getName() + "=" + v.getValue())
        .containsExactly("BASE=2");
    Sandbox added = ClaimSandboxes.cold(claim("TASK"), template("Allowed"));
    assertThat(added.getMetadata().getName()).isEqualTo("c1");
    assertThat(added.getMetadata().getAnnotations()).containsEntry(AgentLabels.LAUNCH_TYPE, "cold");
    assertThat(added.getSpec().getPodTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(v -> v.getName() + "=" + v.getValue())
        .containsExactly("BASE=1", "TASK=2");
    assertThat(ClaimSandboxes.needsColdStart(claim("TASK"))).isTrue();
  }

  private static SandboxTemplate template(String policy) {
    return (SandboxTemplate) Manifests.parse(TEMPLATE.formatted(policy)).get(0);
  }

  private static SandboxWarmPool pool() {
    return (SandboxWarmPool) Manifests.parse(POOL).get(0);
  }

  private static SandboxClaim claim(String envName) {
    return (SandboxClaim) Manifests.parse(CLAIM.formatted(envName)).get(0);
  }
}
