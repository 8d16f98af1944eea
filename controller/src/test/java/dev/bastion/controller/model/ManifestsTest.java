package dev.bastion.controller.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestsTest {

  static String example() {
    try (InputStream in =
        ManifestsTest.class.getResourceAsStream("/examples/agent-sandbox-v1beta1.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsTheUpstreamExample() {
    List<HasMetadata> objects = Manifests.parse(example());

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactly("Sandbox", "SandboxTemplate", "SandboxWarmPool", "SandboxClaim");

    Sandbox sandbox = (Sandbox) objects.get(0);
    assertThat(sandbox.getMetadata().getName()).isEqualTo("notebook-1");
    assertThat(sandbox.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(sandbox.getMetadata().getLabels()).containsExactly(Map.entry("team", "research"));
    SandboxSpec spec = sandbox.getSpec();
    assertThat(spec.getOperatingMode()).isEqualTo(OperatingMode.Running);
    assertThat(spec.getService()).isTrue();
    assertThat(spec.getShutdownTime()).isEqualTo("2030-01-01T00:00:00Z");
    assertThat(spec.getShutdownPolicy()).isEqualTo(ShutdownPolicy.Retain);
    assertThat(spec.getPodTemplate().getMetadata().getLabels())
        .containsExactly(Map.entry("app", "notebook"));
    assertThat(spec.getPodTemplate().getSpec().getRuntimeClassName()).isEqualTo("gvisor");
    assertThat(spec.getPodTemplate().getSpec().getSecurityContext().getRunAsUser())
        .isEqualTo(65534L);
    Container main = spec.getPodTemplate().getSpec().getContainers().get(0);
    assertThat(main.getImage()).isEqualTo("bastion/python:latest");
    assertThat(main.getResources().getLimits())
        .containsEntry("memory", new Quantity("512Mi"))
        .containsEntry("cpu", new Quantity("1"));
    assertThat(main.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(main.getVolumeMounts().get(0).getMountPath()).isEqualTo("/workspace");
    VolumeClaimTemplate workspace = spec.getVolumeClaimTemplates().get(0);
    assertThat(workspace.getMetadata().getName()).isEqualTo("workspace");
    assertThat(workspace.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("1Gi"));

    SandboxTemplateSpec template = ((SandboxTemplate) objects.get(1)).getSpec();
    assertThat(objects.get(1).getMetadata().getName()).isEqualTo("python-secure");
    assertThat(template.getNetworkPolicyManagement()).isEqualTo(NetworkPolicyManagement.Managed);
    assertThat(template.getEnvVarsInjectionPolicy()).isEqualTo(InjectionPolicy.Allowed);
    assertThat(template.getVolumeClaimTemplatesPolicy()).isEqualTo(InjectionPolicy.Disallowed);
    assertThat(template.getPodTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();

    SandboxWarmPoolSpec pool = ((SandboxWarmPool) objects.get(2)).getSpec();
    assertThat(pool.getReplicas()).isEqualTo(5);
    assertThat(pool.getSandboxTemplateRef().getName()).isEqualTo("python-secure");
    assertThat(pool.getUpdateStrategy().getType()).isEqualTo(UpdateStrategyType.OnReplenish);

    SandboxClaimSpec claim = ((SandboxClaim) objects.get(3)).getSpec();
    assertThat(claim.getWarmPoolRef().getName()).isEqualTo("python-pool");
    assertThat(claim.getLifecycle().getShutdownTime()).isEqualTo("2030-01-01T00:00:00Z");
    assertThat(claim.getLifecycle().getTtlSecondsAfterFinished()).isEqualTo(600L);
    assertThat(claim.getLifecycle().getShutdownPolicy()).isEqualTo(ClaimShutdownPolicy.Delete);
    assertThat(claim.getAdditionalPodMetadata().getLabels())
        .containsExactly(Map.entry("sandbox.users.io/owner", "agent-42"));
    assertThat(claim.getEnv())
        .singleElement()
        .satisfies(
            env -> {
              assertThat(env.getName()).isEqualTo("TASK_ID");
              assertThat(env.getValue()).isEqualTo("42");
            });
  }

  @Test
  void writesWhatItReads() {
    for (HasMetadata object : Manifests.parse(example())) {
      HasMetadata again = Manifests.parse(Manifests.toYaml(object)).get(0);
      assertThat(ModelSerialization.toJson(again)).isEqualTo(ModelSerialization.toJson(object));
    }
  }

  @Test
  void skipsEmptyDocumentsAndComments() {
    String yaml =
        """
        # a comment before anything
        ---
        ---
        # only a comment
        ---
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: pool}   # trailing comment
        spec: {sandboxTemplateRef: {name: t}}
        ---
        """;

    assertThat(Manifests.parse(yaml))
        .singleElement()
        .satisfies(pool -> assertThat(pool.getMetadata().getName()).isEqualTo("pool"));
    assertThat(Manifests.parse("")).isEmpty();
    assertThat(Manifests.parse("# nothing but a comment\n")).isEmpty();
  }

  @Test
  void unknownFieldsOfBastionClassesAreErrors() {
    assertThatThrownBy(() -> Manifests.parse(sandbox("spec: {foo: 1}")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("document 1 (Sandbox \"s\"): unknown field \"spec.foo\"");
    assertThatThrownBy(() -> Manifests.parse(sandbox("spec: {}\nextra: 1")))
        .hasMessage("document 1 (Sandbox \"s\"): unknown field \"extra\"");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    """
                    apiVersion: extensions.agents.x-k8s.io/v1beta1
                    kind: SandboxClaim
                    metadata: {name: c}
                    spec: {warmPoolRef: {name: p}, env: [{name: A, valu: "1"}]}
                    """))
        .hasMessage("document 1 (SandboxClaim \"c\"): unknown field \"spec.env[0].valu\"");
  }

  @Test
  void badEnumValuesListTheAllowedOnes() {
    assertThatThrownBy(() -> Manifests.parse(sandbox("spec: {shutdownPolicy: Forever}")))
        .hasMessage(
            "document 1 (Sandbox \"s\"): spec.shutdownPolicy: expected one of Retain, Delete,"
                + " got \"Forever\"");
  }

  @Test
  void valuesOfTheWrongTypeNameFieldExpectationAndValue() {
    String yaml =
        example()
            + """
            ---
            apiVersion: extensions.agents.x-k8s.io/v1beta1
            kind: SandboxWarmPool
            metadata: {name: python}
            spec: {replicas: two, sandboxTemplateRef: {name: t}}
            """;
    assertThatThrownBy(() -> Manifests.parse(yaml))
        .hasMessage(
            "document 5 (SandboxWarmPool \"python\"): spec.replicas: expected an integer, got"
                + " \"two\"");
    assertThatThrownBy(() -> Manifests.parse(pool("{replicas: [1]}")))
        .hasMessage(
            "document 1 (SandboxWarmPool \"p\"): spec.replicas: expected an integer, got a list");
    assertThatThrownBy(() -> Manifests.parse(pool("{sandboxTemplateRef: 3}")))
        .hasMessage(
            "document 1 (SandboxWarmPool \"p\"): spec.sandboxTemplateRef: expected a mapping, got"
                + " 3");
    assertThatThrownBy(() -> Manifests.parse(sandbox("spec: {service: maybe}")))
        .hasMessage(
            "document 1 (Sandbox \"s\"): spec.service: expected true or false, got \"maybe\"");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    sandbox("spec: {podTemplate: {spec: {containers: [{name: a, ports: 80}]}}}")))
        .hasMessage(
            "document 1 (Sandbox \"s\"): spec.podTemplate.spec.containers[0].ports: expected a"
                + " list, got 80");
  }

  @Test
  void yamlErrorsGiveLineAndColumn() {
    String yaml =
        """
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata: {name: a}
        ---
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata: {name: b
        spec: {}
        """;
    assertThatThrownBy(() -> Manifests.parse(yaml))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("document 2: invalid YAML at line 8, column 5: ")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> Manifests.parse("a: 1\nb: [1\n"))
        .hasMessageStartingWith("document 1: invalid YAML at line 3, column 1: ");
  }

  @Test
  void duplicateKeysAreErrors() {
    assertThatThrownBy(() -> Manifests.parse(sandbox("spec: {}\nspec: {}")))
        .hasMessage("document 1: invalid YAML at line 5, column 1: found duplicate key spec");
  }

  @Test
  void unknownKindsNameWhatIsSupported() {
    String supported =
        "supported are agents.x-k8s.io/v1beta1 Sandbox, extensions.agents.x-k8s.io/v1beta1"
            + " SandboxTemplate, extensions.agents.x-k8s.io/v1beta1 SandboxWarmPool,"
            + " extensions.agents.x-k8s.io/v1beta1 SandboxClaim, bastion.dev/v1alpha1 ToolPolicy";
    assertThatThrownBy(() -> Manifests.parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p}"))
        .hasMessage("document 1: unknown kind \"Pod\" of apiVersion \"v1\": " + supported);
    assertThatThrownBy(
            () -> Manifests.parse("apiVersion: agents.x-k8s.io/v1alpha1\nkind: Sandbox\n"))
        .hasMessage(
            "document 1: unknown kind \"Sandbox\" of apiVersion \"agents.x-k8s.io/v1alpha1\": "
                + supported);
    assertThatThrownBy(() -> Manifests.parse("kind: Sandbox\nmetadata: {name: a}"))
        .hasMessage("document 1: apiVersion and kind are required");
    assertThatThrownBy(() -> Manifests.parse("- a\n- b"))
        .hasMessage("document 1: expected a mapping with apiVersion and kind, got a list");
  }

  @Test
  void documentsAreCountedIncludingEmptyOnes() {
    assertThatThrownBy(() -> Manifests.parse("---\n---\n# empty\n---\nkind: Sandbox\n"))
        .hasMessageStartingWith("document 3: ");
  }

  @Test
  void limitsTheNumberOfDocuments() {
    assertThat(Manifests.parse("---\n".repeat(Manifests.MAX_DOCUMENTS))).isEmpty();
    assertThatThrownBy(() -> Manifests.parse("---\n".repeat(Manifests.MAX_DOCUMENTS + 1)))
        .hasMessage("more than 100 documents: apply them in several parts");
  }

  @Test
  void limitsNestingBeforeBuildingAnything() {
    String deep = "a: " + "[".repeat(64) + "]".repeat(64);
    assertThatThrownBy(() -> Manifests.parse(deep))
        .hasMessage("document 1: nested deeper than 64 levels at line 1, column 67");
    // Deep enough to overflow a recursive builder's stack.
    String hostile = "a: " + "[".repeat(100_000) + "]".repeat(100_000);
    assertThatThrownBy(() -> Manifests.parse(hostile))
        .hasMessageStartingWith("document 1: nested deeper than 64 levels");
  }

  @Test
  void everyKindIsKnownToTheSerializer() {
    for (Class<? extends HasMetadata> type : ManifestKinds.all()) {
      assertThat(
              ModelSerialization.get()
                  .getRegisteredKubernetesResource(
                      HasMetadata.getApiVersion(type), HasMetadata.getKind(type)))
          .isEqualTo(type);
    }
  }

  private static String sandbox(String rest) {
    return "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata: {name: s}\n" + rest;
  }

  private static String pool(String spec) {
    return "apiVersion: extensions.agents.x-k8s.io/v1beta1\nkind: SandboxWarmPool\n"
        + "metadata: {name: p}\nspec: "
        + spec;
  }

  @Test
  void aliasesThatExpandPastTheBoundAreRefusedBeforeAnythingIsBuilt() {
    String bomb = HostileManifests.aliasBomb();
    assertThat(bomb.length()).isLessThan(700);
    assertThatThrownBy(() -> Manifests.parse(bomb))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("document 1: its aliases expand past 200000 nodes");
  }

  @Test
  void aliasesOfLongScalarsCountTheirText() {
    String text = "t".repeat(500_000);
    String yaml =
        "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata:\n  name: s\n"
            + "spec:\n  a: &a "
            + text
            + "\n  b: ["
            + String.join(", ", java.util.Collections.nCopies(20, "*a"))
            + "]\n";
    assertThatThrownBy(() -> Manifests.parse(yaml))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("MiB of text");
  }

  @Test
  void aliasesThatNameNoEarlierNodeOrTheirOwnAreRefused() {
    String head = "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata:\n  name: s\n";
    assertThatThrownBy(() -> Manifests.parse(head + "spec: &self {a: *self}\n"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("document 1: the alias *self is inside the node it names");
    assertThatThrownBy(() -> Manifests.parse(head + "spec: {a: *missing}\n"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("document 1: the alias *missing names no anchor before it");
  }

  @Test
  void ordinaryAnchorsStillWork() {
    List<HasMetadata> objects =
        Manifests.parse(
            "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata:\n  name: a\n"
                + "  labels: &team {team: research}\n---\n"
                + "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata:\n  name: b\n"
                + "  labels: &team2 {team: research}\n  annotations: *team2\n");
    assertThat(objects.get(1).getMetadata().getAnnotations()).containsEntry("team", "research");
  }
}
