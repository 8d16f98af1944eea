package dev.bastion.controller.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.sandbox.EmbeddedOptions;
import dev.bastion.controller.sandbox.SandboxAdmission;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.store.LocalResourceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The resource API as a tenant attacks it: metadata the controller decides from, and the quota and
 * lifetime rules that {@code Sandboxes.Create} keeps.
 */
class ResourceAdminTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final ResourceAdmin.Caller ALICE = new ResourceAdmin.Caller("alice", false);
  private static final ResourceAdmin.Caller ADMIN = new ResourceAdmin.Caller("ops", true);
  private static final ResourceAdmin.PolicyCheck NO_POLICY = object -> Optional.empty();

  private final LocalResourceStore store =
      LocalResourceStore.inMemory(Clock.systemUTC(), ManifestKinds.customResources());
  private final EmbeddedOptions options =
      new EmbeddedOptions(
          3,
          Duration.ofHours(1),
          Duration.ofDays(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(2));
  private final ResourceAdmin admin =
      new ResourceAdmin(
          store,
          TenantNamespaces.embedded(),
          new SandboxAdmission(
              store, TenantNamespaces.embedded(), options, Clock.fixed(NOW, ZoneOffset.UTC)),
          object -> {});

  @Test
  void aSandboxPosingAsAPoolMemberIsRefusedNamingEveryField() {
    String forged =
        sandbox(
            "dev",
            "labels: {extensions.agents.x-k8s.io/warm-pool: python,"
                + " extensions.agents.x-k8s.io/template-hash: abc},"
                + " ownerReferences: [{apiVersion: extensions.agents.x-k8s.io/v1beta1,"
                + " kind: SandboxWarmPool, name: python, uid: pool-uid, controller: true}]",
            "");

    assertThatThrownBy(() -> admin.apply(ALICE, forged, NO_POLICY))
        .isInstanceOfSatisfying(
            SandboxError.class,
            e -> assertThat(e.kind()).isEqualTo(SandboxError.Kind.INVALID_ARGUMENT))
        .hasMessageContaining("metadata.labels[\"extensions.agents.x-k8s.io/warm-pool\"]")
        .hasMessageContaining("metadata.labels[\"extensions.agents.x-k8s.io/template-hash\"]")
        .hasMessageContaining("metadata.ownerReferences")
        .hasMessageContaining("reserved for the controller");
    assertThat(store.listAll(Sandbox.class)).isEmpty();
  }

  @Test
  void noControllerKeyMayBeSetAnywhereEvenByAnAdmin() {
    assertRefused(
        ALICE,
        sandbox("a", "labels: {extensions.agents.x-k8s.io/claim: bobs-claim}", ""),
        "metadata.labels[\"extensions.agents.x-k8s.io/claim\"]");
    assertRefused(
        ALICE,
        sandbox("b", "labels: {bastion.dev/tenant: bob}", ""),
        "metadata.labels[\"bastion.dev/tenant\"]");
    assertRefused(
        ADMIN,
        sandbox("c", "annotations: {bastion.dev/launch-type: warm}", ""),
        "metadata.annotations[\"bastion.dev/launch-type\"]");
    assertRefused(
        ALICE,
        sandbox("d", "finalizers: [agents.x-k8s.io/keep]", ""),
        "metadata.finalizers[\"agents.x-k8s.io/keep\"]");
    assertRefused(
        ALICE,
        sandbox("e", "", "metadata: {labels: {agents.x-k8s.io/sandbox-name-hash: 0badf00d}}"),
        "spec.podTemplate.metadata.labels[\"agents.x-k8s.io/sandbox-name-hash\"]");
    assertRefused(
        ALICE,
        """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxClaim
        metadata: {name: c1}
        spec:
          warmPoolRef: {name: python}
          additionalPodMetadata: {labels: {extensions.agents.x-k8s.io/warm-pool: python}}
        """,
        "spec.additionalPodMetadata.labels[\"extensions.agents.x-k8s.io/warm-pool\"]");
  }

  @Test
  void anUpdateKeepsTheControllersMetadataAndReplacesTheRest() {
    admin.apply(ALICE, sandbox("dev", "labels: {team: a}", ""), NO_POLICY);
    // What a claim's adoption writes, as the controller would.
    Sandbox stored = store.get(Sandbox.class, "alice", "dev").orElseThrow();
    Map<String, String> labels = new HashMap<>(stored.getMetadata().getLabels());
    labels.put(AgentLabels.CLAIM, "alices-claim");
    stored.getMetadata().setLabels(labels);
    stored.getMetadata().setAnnotations(Map.of(AgentLabels.LAUNCH_TYPE, "warm"));
    store.update(stored);

    admin.apply(ALICE, sandbox("dev", "labels: {team: b}", ""), NO_POLICY);

    Sandbox after = store.get(Sandbox.class, "alice", "dev").orElseThrow();
    assertThat(after.getMetadata().getLabels())
        .containsEntry("team", "b")
        .containsEntry(AgentLabels.CLAIM, "alices-claim")
        .containsEntry(AgentLabels.TENANT, "alice");
    assertThat(after.getMetadata().getAnnotations()).containsEntry(AgentLabels.LAUNCH_TYPE, "warm");
  }

  @Test
  void appliedSandboxesAndClaimsCountAgainstTheQuota() {
    admin.apply(ALICE, sandbox("s1", "", ""), NO_POLICY);
    admin.apply(ALICE, claim("c1", ""), NO_POLICY);
    admin.apply(ALICE, sandbox("s2", "", ""), NO_POLICY);

    assertThatThrownBy(() -> admin.apply(ALICE, sandbox("s3", "", ""), NO_POLICY))
        .isInstanceOfSatisfying(
            SandboxError.class,
            e -> assertThat(e.kind()).isEqualTo(SandboxError.Kind.RESOURCE_EXHAUSTED))
        .hasMessageContaining("sandbox quota reached: 3 in use of 3");
    // Re-applying what exists creates nothing, so it is not refused.
    assertThat(admin.apply(ALICE, sandbox("s1", "labels: {x: y}", ""), NO_POLICY))
        .extracting(ResourceAdmin.Applied::action)
        .containsExactly("configured");
  }

  @Test
  void aPolicysMaxSandboxesHoldsForApplyAsForCreate() {
    ResourceAdmin.PolicyCheck one =
        object -> Optional.of(new PolicyLimits.Bound(Limit.MAX_SANDBOXES, 1, "agents"));
    admin.apply(ALICE, sandbox("s1", "", ""), one);

    assertThatThrownBy(() -> admin.apply(ALICE, claim("c1", ""), one))
        .hasMessageContaining("sandbox quota reached: 1 in use of")
        .hasMessageContaining("agents");
  }

  @Test
  void anAppliedSandboxOrClaimGetsTheDefaultLifetimeAndNoMoreThanTheMaximum() {
    admin.apply(ALICE, sandbox("s1", "", ""), NO_POLICY);
    admin.apply(ALICE, claim("c1", ""), NO_POLICY);

    Sandbox sandbox = store.get(Sandbox.class, "alice", "s1").orElseThrow();
    assertThat(sandbox.getSpec().getShutdownTime()).isEqualTo("2026-12-03T11:00:00Z");
    assertThat(sandbox.getSpec().getShutdownPolicy().name()).isEqualTo("Delete");
    SandboxClaim claim = store.get(SandboxClaim.class, "alice", "c1").orElseThrow();
    assertThat(claim.getSpec().getLifecycle().getShutdownTime()).isEqualTo("2026-12-03T11:00:00Z");

    assertRefused(
        ALICE,
        sandbox("s2", "", "")
            .replaceFirst("spec:", "spec:\n  shutdownTime: \"2030-01-01T00:00:00Z\""),
        "spec.shutdownTime 2030-01-01T00:00:00Z is later than this server's maximum lifetime");
    assertRefused(
        ALICE,
        claim("c2", "lifecycle: {shutdownTime: \"2030-01-01T00:00:00Z\"}"),
        "spec.lifecycle.shutdownTime");
  }

  @Test
  void twoTenantsMayEachOwnASandboxOfTheSameNameAndNeitherSeesTheOther() {
    ResourceAdmin.Caller bob = new ResourceAdmin.Caller("bob", false);
    assertThat(admin.apply(ALICE, sandbox("dev", "labels: {who: alice}", ""), NO_POLICY))
        .extracting(ResourceAdmin.Applied::action)
        .containsExactly("created");
    assertThat(admin.apply(bob, sandbox("dev", "labels: {who: bob}", ""), NO_POLICY))
        .extracting(ResourceAdmin.Applied::action)
        .containsExactly("created");

    assertThat(admin.get(ALICE, "sandbox", Optional.of("dev")).get(0).getMetadata().getLabels())
        .containsEntry("who", "alice");
    assertThat(admin.get(bob, "sandboxes", Optional.empty()))
        .singleElement()
        .satisfies(s -> assertThat(s.getMetadata().getNamespace()).isEqualTo("bob"));
    admin.delete(bob, "sandbox", "dev", object -> {});
    assertThat(admin.get(ALICE, "sandbox", Optional.of("dev"))).hasSize(1);
    assertThat(admin.get(ADMIN, "sandboxes", Optional.empty())).hasSize(1);
  }

  @Test
  void aTenantAppliesOnlyIntoItsOwnNamespaceAndSharedKindsOnlyIntoTheSharedOne() {
    assertRefused(
        ALICE,
        sandbox("dev", "namespace: bob", ""),
        "Sandboxes and claims are applied into the caller's own namespace, \"alice\"");
    assertRefused(
        ADMIN,
        """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: p, namespace: alice}
        spec: {replicas: 1, sandboxTemplateRef: {name: python}}
        """,
        "shared by every tenant and live in namespace \"default\"");
    // A manifest written for Kubernetes' default namespace lands in the caller's own.
    admin.apply(ALICE, sandbox("k8s-style", "namespace: default", ""), NO_POLICY);
    assertThat(store.get(Sandbox.class, "alice", "k8s-style")).isPresent();
    // An admin applies for a tenant by naming its namespace.
    admin.apply(ADMIN, sandbox("for-bob", "namespace: bob", ""), NO_POLICY);
    assertThat(store.get(Sandbox.class, "bob", "for-bob").orElseThrow().getMetadata().getLabels())
        .containsEntry(AgentLabels.TENANT, "bob");
  }

  private void assertRefused(ResourceAdmin.Caller caller, String yaml, String field) {
    assertThatThrownBy(() -> admin.apply(caller, yaml, NO_POLICY))
        .isInstanceOfSatisfying(
            SandboxError.class,
            e -> assertThat(e.kind()).isEqualTo(SandboxError.Kind.INVALID_ARGUMENT))
        .hasMessageContaining(field);
  }

  private static String sandbox(String name, String metadata, String podTemplateExtra) {
    return """
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata: {name: %s%s}
        spec:
          podTemplate:
            %s
            spec:
              containers: [{name: main, image: bastion/python}]
        """
        .formatted(name, metadata.isEmpty() ? "" : ", " + metadata, podTemplateExtra);
  }

  private static String claim(String name, String specExtra) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxClaim
        metadata: {name: %s}
        spec:
          warmPoolRef: {name: python}
          %s
        """
        .formatted(name, specExtra);
  }
}
