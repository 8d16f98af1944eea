package dev.bastion.controller.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.Manifests;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HardeningAuditTest {

  private static final String POD = "spec.podTemplate.spec";
  private static final String MAIN = POD + ".containers[0]";

  private static final String HARDENED_TEMPLATE =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: hardened, namespace: default}
      spec:
        podTemplate:
          spec:
            runtimeClassName: gvisor
            automountServiceAccountToken: false
            securityContext:
              runAsNonRoot: true
              seccompProfile: {type: RuntimeDefault}
            containers:
            - name: main
              image: bastion/python:latest
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
              resources:
                limits: {cpu: "1", memory: 512Mi}
      """;

  private static final String HARDENED_SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata:
        name: from-template
        annotations: {bastion.dev/template: hardened}
      spec:
        shutdownTime: "2030-01-01T00:00:00Z"
        podTemplate:
          spec:
            runtimeClassName: kata-qemu
            automountServiceAccountToken: false
            securityContext: {runAsNonRoot: true}
            containers:
            - name: main
              image: bastion/python:latest
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
                seccompProfile: {type: Localhost, localhostProfile: sandbox.json}
              resources:
                limits: {cpu: 500m, memory: 1Gi}
      """;

  @Test
  void aHardenedTemplateScoresFullMarksAndHasNoExpiryToGrade() {
    HardeningReport report = grade(HARDENED_TEMPLATE);

    assertThat(report.score()).isEqualTo(100);
    assertThat(report.grade()).isEqualTo(Grade.A);
    assertThat(report.results())
        .filteredOn(result -> !(result.verdict() instanceof Verdict.Pass))
        .singleElement()
        .satisfies(
            result -> {
              assertThat(result.check().id()).isEqualTo("expiry");
              assertThat(result.verdict())
                  .isEqualTo(
                      new Verdict.NotApplicable(
                          "a SandboxTemplate carries no expiry: set spec.lifecycle.shutdownTime"
                              + " on the SandboxClaims that use it"));
            });
  }

  static Stream<Arguments> hardeningFields() {
    return Stream.of(
        Arguments.of(
            "runtimeClassName: gvisor",
            "runtimeClassName: runc",
            "runtime-class",
            new Finding(
                POD + ".runtimeClassName",
                "is \"runc\", neither gVisor nor Kata: no kernel of its own",
                "set it to gvisor or kata"),
            85),
        Arguments.of(
            "runtimeClassName: gvisor",
            "",
            "runtime-class",
            new Finding(
                POD + ".runtimeClassName",
                "is unset: the pod runs on the host's kernel",
                "set it to gvisor or kata"),
            85),
        Arguments.of(
            "runAsNonRoot: true",
            "",
            "run-as-non-root",
            new Finding(
                POD + ".securityContext.runAsNonRoot",
                "is unset, and not every container sets it: the container may run as root",
                "set it to true"),
            95),
        Arguments.of(
            "seccompProfile: {type: RuntimeDefault}",
            "seccompProfile: {type: Unconfined}",
            "seccomp",
            new Finding(
                POD + ".securityContext.seccompProfile.type",
                "is \"Unconfined\": system calls are not filtered",
                "set it to RuntimeDefault"),
            95),
        Arguments.of(
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: true",
            "service-account-token",
            new Finding(
                POD + ".automountServiceAccountToken",
                "is true: sandboxed code gets a token for the Kubernetes API",
                "set it to false"),
            95),
        Arguments.of(
            "allowPrivilegeEscalation: false",
            "",
            "privilege-escalation",
            new Finding(
                MAIN + ".securityContext.allowPrivilegeEscalation",
                "is unset: setuid programs can gain privileges",
                "set it to false"),
            95),
        Arguments.of(
            "readOnlyRootFilesystem: true",
            "readOnlyRootFilesystem: false",
            "read-only-root",
            new Finding(
                MAIN + ".securityContext.readOnlyRootFilesystem",
                "is false: code can change the container's own programs",
                "set it to true"),
            95),
        Arguments.of(
            "capabilities: {drop: [ALL]}",
            "",
            "capabilities",
            new Finding(
                MAIN + ".securityContext.capabilities.drop",
                "is unset: the container keeps the runtime's default capabilities",
                "set it to [ALL]"),
            95),
        Arguments.of(
            "limits: {cpu: \"1\", memory: 512Mi}",
            "limits: {cpu: \"1\"}",
            "resource-limits",
            new Finding(
                MAIN + ".resources.limits.memory",
                "is unset: the container may take all of the node's memory",
                "set it, e.g. memory: 512Mi"),
            95),
        Arguments.of(
            "spec:\n  podTemplate:",
            "spec:\n  networkPolicyManagement: Unmanaged\n  podTemplate:",
            "network-policy",
            new Finding(
                "spec.networkPolicyManagement",
                "is Unmanaged: Bastion makes no NetworkPolicy for the template's pods",
                "set it to Managed or remove it"),
            95));
  }

  @ParameterizedTest(name = "{2}: {0} -> {1}")
  @MethodSource("hardeningFields")
  void losingOneHardeningFieldFailsExactlyItsCheckWithTheFix(
      String field, String replacement, String check, Finding finding, int score) {
    HardeningReport report = grade(replace(HARDENED_TEMPLATE, field, replacement));

    assertThat(failures(report)).containsExactly(check);
    assertThat(findings(report, check)).containsExactly(finding);
    assertThat(report.score()).isEqualTo(score);
  }

  @Test
  void aSandboxMadeFromATemplateWithAnExpiryScoresFullMarks() {
    HardeningReport report = grade(HARDENED_SANDBOX);

    assertThat(report.score()).isEqualTo(100);
    assertThat(report.results())
        .filteredOn(result -> result.verdict() instanceof Verdict.NotApplicable)
        .extracting(result -> result.check().id())
        .containsExactly("network-policy");
  }

  @Test
  void aSandboxNeedsAnExpiry() {
    HardeningReport report =
        grade(replace(HARDENED_SANDBOX, "shutdownTime: \"2030-01-01T00:00:00Z\"", ""));

    assertThat(failures(report)).containsExactly("expiry");
    assertThat(findings(report, "expiry"))
        .containsExactly(
            new Finding(
                "spec.shutdownTime",
                "is unset: the sandbox runs until someone deletes it",
                "set it to an RFC 3339 time, e.g. \"2030-01-01T00:00:00Z\""));
    assertThat(report.score()).isEqualTo(95);
  }

  @Test
  void aSandboxMadeOnItsOwnHasNoNetworkPolicy() {
    HardeningReport report =
        grade(replace(HARDENED_SANDBOX, "annotations: {bastion.dev/template: hardened}", ""));

    assertThat(failures(report)).containsExactly("network-policy");
    assertThat(findings(report, "network-policy"))
        .containsExactly(
            new Finding(
                "spec",
                "has no NetworkPolicy: Bastion makes one only for a template's pods",
                "make it from a SandboxTemplate through a SandboxClaim or SandboxWarmPool"));
    // Every check applies to a bare Sandbox: 100 of 105 points.
    assertThat(report.score()).isEqualTo(95);
  }

  // A template's pods get no token unless it asks for one; a Sandbox's pod gets Kubernetes'
  // default.
  @Test
  void anUnsetServiceAccountTokenPassesOnlyInATemplate() {
    String unset = "automountServiceAccountToken: false";

    assertThat(failures(grade(replace(HARDENED_TEMPLATE, unset, "")))).isEmpty();
    assertThat(findings(grade(replace(HARDENED_SANDBOX, unset, "")), "service-account-token"))
        .containsExactly(
            new Finding(
                POD + ".automountServiceAccountToken",
                "is unset: Kubernetes mounts the service account token by default",
                "set it to false"));
  }

  @Test
  void aPrivilegedPodWithHostAccessScoresF() {
    HardeningReport report =
        grade(
            """
            apiVersion: agents.x-k8s.io/v1beta1
            kind: Sandbox
            metadata: {name: wide-open}
            spec:
              podTemplate:
                spec:
                  hostNetwork: true
                  hostPID: true
                  securityContext: {runAsUser: 0}
                  containers:
                  - name: main
                    image: bastion/python:latest
                    securityContext:
                      privileged: true
                      capabilities: {add: [SYS_ADMIN]}
                    volumeMounts: [{name: host, mountPath: /host}]
                  volumes:
                  - name: host
                    hostPath: {path: /}
            """);

    assertThat(report.score()).isZero();
    assertThat(report.grade()).isEqualTo(Grade.F);
    assertThat(findings(report, "host-namespaces"))
        .extracting(Finding::path, Finding::fix)
        .containsExactly(
            tuple(POD + ".hostNetwork", "remove it"), tuple(POD + ".hostPID", "remove it"));
    assertThat(findings(report, "host-path"))
        .containsExactly(
            new Finding(
                POD + ".volumes[0].hostPath",
                "mounts the host's \"/\" into the sandbox",
                "remove the volume and its volumeMounts, and keep files in a volume claim"
                    + " template"));
    assertThat(findings(report, "privileged"))
        .containsExactly(
            new Finding(
                MAIN + ".securityContext.privileged",
                "is true: the container gets every capability and the host's devices",
                "remove it"));
    assertThat(findings(report, "capabilities"))
        .extracting(Finding::path)
        .containsExactly(
            MAIN + ".securityContext.capabilities.drop",
            MAIN + ".securityContext.capabilities.add");
  }

  @Test
  void theEscapeRoutesAloneMakeAnF() {
    String escaping =
        replace(
                HARDENED_TEMPLATE,
                "runtimeClassName: gvisor",
                "runtimeClassName: gvisor\n      hostNetwork: true\n      volumes: [{name: h, hostPath:"
                    + " {path: /var}}]")
            .replace("allowPrivilegeEscalation: false", "privileged: true");

    HardeningReport report = grade(escaping);

    assertThat(failures(report))
        .containsExactly("privileged", "host-namespaces", "host-path", "privilege-escalation");
    assertThat(report.grade()).isEqualTo(Grade.F);
  }

  @Test
  void hostUsersFailsOnlyWhenTrue() {
    String shared = replace(HARDENED_TEMPLATE, "runtimeClassName: gvisor", "hostUsers: true");

    assertThat(failures(grade(shared))).containsExactly("runtime-class", "host-namespaces");
    assertThat(findings(grade(shared), "host-namespaces"))
        .containsExactly(
            new Finding(
                POD + ".hostUsers", "is true: the pod shares the host's user IDs", "remove it"));
  }

  @Test
  void aContainersOwnSettingOverridesThePods() {
    String overriding =
        replace(
            HARDENED_TEMPLATE,
            "capabilities: {drop: [ALL]}",
            "capabilities: {drop: [ALL]}\n          runAsNonRoot: false\n"
                + "          seccompProfile: {type: Unconfined}");

    HardeningReport report = grade(overriding);

    assertThat(failures(report)).containsExactly("run-as-non-root", "seccomp");
    assertThat(findings(report, "seccomp"))
        .extracting(Finding::path)
        .containsExactly(MAIN + ".securityContext.seccompProfile.type");
  }

  @Test
  void containersThatSetItThemselvesNeedNothingFromThePod() {
    String perContainer =
        replace(HARDENED_TEMPLATE, "seccompProfile: {type: RuntimeDefault}", "")
            .replace(
                "capabilities: {drop: [ALL]}",
                "capabilities: {drop: [ALL]}\n          seccompProfile: {type: RuntimeDefault}");

    assertThat(failures(grade(perContainer))).isEmpty();
  }

  @Test
  void initContainersAreCheckedLikeContainers() {
    String withInit =
        replace(
            HARDENED_TEMPLATE,
            "      containers:",
            "      initContainers:\n      - {name: setup, image: bastion/python}\n      containers:");

    HardeningReport report = grade(withInit);

    assertThat(failures(report))
        .containsExactly(
            "privilege-escalation", "read-only-root", "capabilities", "resource-limits");
    assertThat(findings(report, "resource-limits"))
        .extracting(Finding::path)
        .containsExactly(
            POD + ".initContainers[0].resources.limits.cpu",
            POD + ".initContainers[0].resources.limits.memory");
  }

  @Test
  void networkRulesWithoutPeersOpenTheManagedPolicy() {
    String rules =
        replace(
            HARDENED_TEMPLATE,
            "spec:\n  podTemplate:",
            """
            spec:
              networkPolicy:
                ingress:
                - from: [{podSelector: {matchLabels: {app: gateway}}}]
                egress:
                - ports: [{port: 443}]
              podTemplate:""");

    assertThat(findings(grade(rules), "network-policy"))
        .containsExactly(
            new Finding(
                "spec.networkPolicy.egress[0].to",
                "is unset: allows traffic to every address, private and metadata ranges included",
                "list the peers it may reach, or remove spec.networkPolicy for the secure default"));
  }

  @Test
  void otherKindsAreNotGraded() {
    assertThat(
            HardeningAudit.grade(
                Manifests.parse(
                        """
                        apiVersion: extensions.agents.x-k8s.io/v1beta1
                        kind: SandboxWarmPool
                        metadata: {name: pool}
                        spec: {sandboxTemplateRef: {name: hardened}}
                        """)
                    .getFirst()))
        .isEmpty();
  }

  @Test
  void anInvalidObjectIsRefusedRatherThanGraded() {
    assertThatThrownBy(
            () ->
                grade(
                    """
                    apiVersion: extensions.agents.x-k8s.io/v1beta1
                    kind: SandboxTemplate
                    metadata: {name: empty}
                    spec: {}
                    """))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("SandboxTemplate \"empty\": spec.podTemplate: required");
  }

  @Test
  void gradesStartEveryTenPointsFromSixty() {
    assertThat(List.of(100, 90, 89, 80, 79, 70, 69, 60, 59, 0).stream().map(Grade::of))
        .containsExactly(
            Grade.A, Grade.A, Grade.B, Grade.B, Grade.C, Grade.C, Grade.D, Grade.D, Grade.F,
            Grade.F);
  }

  private static HardeningReport grade(String yaml) {
    return HardeningAudit.grade(Manifests.parse(yaml).getFirst()).orElseThrow();
  }

  private static String replace(String yaml, String field, String replacement) {
    assertThat(yaml).contains(field);
    return yaml.replace(field, replacement);
  }

  private static List<String> failures(HardeningReport report) {
    return report.results().stream()
        .filter(result -> result.verdict() instanceof Verdict.Fail)
        .map(result -> result.check().id())
        .toList();
  }

  private static List<Finding> findings(HardeningReport report, String check) {
    return report.results().stream()
        .filter(result -> result.check().id().equals(check))
        .map(HardeningReport.Result::verdict)
        .flatMap(
            verdict ->
                verdict instanceof Verdict.Fail fail ? fail.findings().stream() : Stream.empty())
        .toList();
  }
}
