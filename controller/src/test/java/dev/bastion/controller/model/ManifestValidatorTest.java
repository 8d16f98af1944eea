package dev.bastion.controller.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ManifestValidatorTest {

  private static final String SANDBOX = "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\n";
  private static final String TEMPLATE =
      "apiVersion: extensions.agents.x-k8s.io/v1beta1\nkind: SandboxTemplate\n";
  private static final String POOL =
      "apiVersion: extensions.agents.x-k8s.io/v1beta1\nkind: SandboxWarmPool\n";
  private static final String CLAIM =
      "apiVersion: extensions.agents.x-k8s.io/v1beta1\nkind: SandboxClaim\n";
  private static final String POD =
      "podTemplate: {spec: {containers: [{name: main, image: bastion/python}]}}";

  @Test
  void theUpstreamExampleIsValid() {
    for (HasMetadata object : Manifests.parse(ManifestsTest.example())) {
      assertThat(ManifestValidator.validate(object)).as(object.getKind()).isEmpty();
      assertThatCode(() -> ManifestValidator.check(object)).doesNotThrowAnyException();
    }
  }

  @Test
  void nameAndSpecAreRequired() {
    assertThat(ManifestValidator.validate(new Sandbox()))
        .containsExactly("metadata.name: required", "spec: required");
    assertThat(problems(POOL + "metadata: {namespace: default}\nspec: {}"))
        .containsExactly("metadata.name: required", "spec.sandboxTemplateRef.name: required");
  }

  @Test
  void namesAreDnsLabels() {
    String rule =
        "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or"
            + " digit";
    assertThat(
            problems(
                SANDBOX + "metadata: {name: Notebook_1, namespace: Team.A}\nspec: {" + POD + "}"))
        .containsExactly(
            "metadata.name: \"Notebook_1\" is not a valid name: " + rule,
            "metadata.namespace: \"Team.A\" is not a valid namespace: " + rule);
    assertThat(problems(sandbox("a".repeat(64), "{" + POD + "}")))
        .singleElement()
        .asString()
        .startsWith("metadata.name: \"aaaa");
    assertThat(problems(sandbox("a".repeat(63), "{" + POD + "}"))).isEmpty();
    assertThat(problems(sandbox("-a", "{" + POD + "}"))).hasSize(1);
    assertThat(problems(sandbox("a.b", "{" + POD + "}"))).hasSize(1);
  }

  @Test
  void labelsAndAnnotationsFollowKubernetesSyntax() {
    String yaml =
        SANDBOX
            + """
            metadata:
              name: s
              labels:
                ok: fine
                sandbox.users.io/owner: agent-42
                empty: ""
                "-bad": x
                spaced: "a b"
                long: %s
              annotations:
                "Bad_Prefix/x": y
                bastion.dev/anything: "any value at all: even spaces"
            spec: {%s}
            """
                .formatted("v".repeat(64), POD);

    assertThat(problems(yaml))
        .containsExactly(
            "metadata.labels[\"-bad\"]: invalid key: " + KubernetesNames.KEY_RULE,
            "metadata.labels.spaced: invalid value \"a b\": " + KubernetesNames.VALUE_RULE,
            "metadata.labels.long: invalid value \""
                + "v".repeat(64)
                + "\": "
                + KubernetesNames.VALUE_RULE,
            "metadata.annotations[\"Bad_Prefix/x\"]: invalid key: " + KubernetesNames.KEY_RULE);
  }

  @Test
  void podTemplateLabelsAndClaimMetadataAreCheckedToo() {
    assertThat(
            problems(
                sandbox(
                    "s",
                    "{podTemplate: {metadata: {name: p, labels: {\"a b\": c}},"
                        + " spec: {containers: [{name: main, image: x}]}}}")))
        .containsExactly(
            "spec.podTemplate.metadata.name: not allowed: the pod is named after its Sandbox",
            "spec.podTemplate.metadata.labels[\"a b\"]: invalid key: " + KubernetesNames.KEY_RULE);
  }

  @Test
  void misspeltMetadataFieldsAreReported() {
    assertThat(problems(SANDBOX + "metadata: {name: s, lables: {a: b}}\nspec: {" + POD + "}"))
        .containsExactly("metadata.lables: unknown field");
  }

  @Test
  void podTemplatesNeedContainersWithNameAndImage() {
    assertThat(problems(sandbox("s", "{}"))).containsExactly("spec.podTemplate: required");
    assertThat(problems(sandbox("s", "{podTemplate: {}}")))
        .containsExactly("spec.podTemplate.spec: required");
    assertThat(problems(sandbox("s", "{podTemplate: {spec: {}}}")))
        .containsExactly("spec.podTemplate.spec.containers: at least one container is required");
    assertThat(
            problems(
                TEMPLATE
                    + "metadata: {name: t}\n"
                    + "spec: {podTemplate: {spec: {containers: [{image: x}, {name: Main}]}}}"))
        .containsExactly(
            "spec.podTemplate.spec.containers[0].name: required",
            "spec.podTemplate.spec.containers[1].name: \"Main\" is not a valid name: "
                + KubernetesNames.DNS_LABEL_RULE,
            "spec.podTemplate.spec.containers[1].image: required");
    assertThat(problems(TEMPLATE + "metadata: {name: t}")).containsExactly("spec: required");
  }

  @Test
  void shutdownTimesAreRfc3339() {
    assertThat(
            problems(sandbox("s", "{shutdownTime: \"2030-01-01T00:00:00.5+02:00\", " + POD + "}")))
        .isEmpty();
    for (String time :
        List.of("tomorrow", "2030-01-01", "2030-01-01T00:00Z", "2030-02-30T00:00:00Z")) {
      assertThat(problems(sandbox("s", "{shutdownTime: \"" + time + "\", " + POD + "}")))
          .containsExactly(
              "spec.shutdownTime: \""
                  + time
                  + "\" is not an RFC 3339 time such as \"2030-01-01T00:00:00Z\"");
    }
  }

  @Test
  void volumeClaimTemplatesHaveUniqueLabelNames() {
    String vcts =
        "volumeClaimTemplates: [{metadata: {name: workspace}}, {metadata: {name: workspace}},"
            + " {metadata: {}}, {metadata: {name: Work.Space}}]";
    assertThat(problems(sandbox("s", "{" + POD + ", " + vcts + "}")))
        .containsExactly(
            "spec.volumeClaimTemplates[1].metadata.name: \"workspace\" is declared twice",
            "spec.volumeClaimTemplates[2].metadata.name: required",
            "spec.volumeClaimTemplates[3].metadata.name: \"Work.Space\" is not a valid name: "
                + KubernetesNames.DNS_LABEL_RULE);
  }

  @Test
  void warmPoolReplicasStayInRange() {
    assertThat(problems(pool("{replicas: 0, sandboxTemplateRef: {name: t}}"))).isEmpty();
    assertThat(problems(pool("{replicas: 1000, sandboxTemplateRef: {name: t}}"))).isEmpty();
    assertThat(problems(pool("{sandboxTemplateRef: {name: t}}"))).isEmpty();
    assertThat(problems(pool("{replicas: -1, sandboxTemplateRef: {name: t}}")))
        .containsExactly("spec.replicas: must be between 0 and 1000, got -1");
    assertThat(problems(pool("{replicas: 1001, sandboxTemplateRef: {name: T}}")))
        .containsExactly(
            "spec.sandboxTemplateRef.name: \"T\" is not a valid name: "
                + KubernetesNames.DNS_LABEL_RULE,
            "spec.replicas: must be between 0 and 1000, got 1001");
  }

  @Test
  void claimsCheckReferenceLifecycleAndEnv() {
    assertThat(
            problems(
                claim(
                    "{lifecycle: {shutdownTime: soon, ttlSecondsAfterFinished: -1},"
                        + " env: [{value: x}, {name: 1ST}, {name: A-B}, {name: "
                        + "N".repeat(257)
                        + "}, {name: OK, value: \"\", containerName: Main}]}")))
        .containsExactly(
            "spec.warmPoolRef.name: required",
            "spec.lifecycle.shutdownTime: \"soon\" is not an RFC 3339 time such as"
                + " \"2030-01-01T00:00:00Z\"",
            "spec.lifecycle.ttlSecondsAfterFinished: must not be negative, got -1",
            "spec.env[0].name: required",
            "spec.env[1].name: \"1ST\" is not a valid variable name: use at most 256 letters,"
                + " digits and '_', not starting with a digit",
            "spec.env[2].name: \"A-B\" is not a valid variable name: use at most 256 letters,"
                + " digits and '_', not starting with a digit",
            "spec.env[3].name: \""
                + "N".repeat(61)
                + "...\" is not a valid variable name: use at most 256 letters, digits and '_',"
                + " not starting with a digit",
            "spec.env[4].containerName: \"Main\" is not a valid name: "
                + KubernetesNames.DNS_LABEL_RULE);
  }

  @Test
  void claimEnvIsBounded() {
    String many =
        IntStream.range(0, 101)
            .mapToObj(i -> "{name: V" + i + ", value: x}")
            .collect(Collectors.joining(", ", "[", "]"));
    assertThat(problems(claim("{warmPoolRef: {name: p}, env: " + many + "}")))
        .containsExactly("spec.env: at most 100 variables are allowed, got 101");
    String big = "x".repeat(32 * 1024);
    assertThat(problems(claim("{warmPoolRef: {name: p}, env: [{name: A, value: " + big + "}]}")))
        .isEmpty();
    assertThat(problems(claim("{warmPoolRef: {name: p}, env: [{name: A, value: " + big + "y}]}")))
        .containsExactly("spec.env[0].value: at most 32KiB is allowed");
  }

  @Test
  void checkThrowsEveryProblemOnOneLine() {
    HasMetadata pool = Manifests.parse(pool("{replicas: -1}")).get(0);
    assertThatThrownBy(() -> ManifestValidator.check(pool))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage(
            "SandboxWarmPool \"p\": spec.sandboxTemplateRef.name: required; spec.replicas: must be"
                + " between 0 and 1000, got -1");
    assertThatThrownBy(() -> ManifestValidator.check(new Sandbox()))
        .hasMessage("Sandbox (unnamed): metadata.name: required; spec: required");
  }

  private static List<String> problems(String yaml) {
    return ManifestValidator.validate(Manifests.parse(yaml).get(0));
  }

  private static String sandbox(String name, String spec) {
    return SANDBOX + "metadata: {name: \"" + name + "\"}\nspec: " + spec;
  }

  private static String pool(String spec) {
    return POOL + "metadata: {name: p}\nspec: " + spec;
  }

  private static String claim(String spec) {
    return CLAIM + "metadata: {name: c}\nspec: " + spec;
  }
}
