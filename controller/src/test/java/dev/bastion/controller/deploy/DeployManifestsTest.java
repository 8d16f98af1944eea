package dev.bastion.controller.deploy;

import static dev.bastion.controller.deploy.DeployDirectory.CRDS;
import static dev.bastion.controller.deploy.DeployDirectory.DEPLOY;
import static dev.bastion.controller.deploy.DeployDirectory.KUSTOMIZATION;
import static dev.bastion.controller.deploy.DeployDirectory.ROOT;
import static dev.bastion.controller.deploy.DeployDirectory.at;
import static dev.bastion.controller.deploy.DeployDirectory.listAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import dev.bastion.controller.deploy.DeployDirectory.Document;
import dev.bastion.controller.desired.SandboxBlueprint;
import dev.bastion.controller.hardening.HardeningAudit;
import dev.bastion.controller.kubernetes.MetadataReach;
import dev.bastion.controller.kubernetes.RestrictedPodSecurity;
import dev.bastion.controller.kubernetes.SandboxPodBuilder;
import dev.bastion.controller.kubernetes.SandboxdWiring;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.ManifestValidator;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.policy.ToolPolicyCompiler;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under deploy/ are what kubectl and kustomize can apply and what Bastion
 * serves: they parse, their kustomizations hold together, every custom kind they use has a CRD, the
 * CRDs are the ones this build generated from the model classes, they run only the project's own
 * images, and the example template is valid and hardened.
 */
class DeployManifestsTest {

  // crd-generator-maven-plugin writes here at process-classes, before the tests run.
  private static final Path GENERATED_CRDS = Path.of("target", "classes", "META-INF", "fabric8");
  private static final String REGENERATE =
      "build the controller (mvn -pl controller -am process-classes) and copy"
          + " controller/target/classes/META-INF/fabric8/*.yml to deploy/crds/";

  private static final String PSA = "pod-security.kubernetes.io/";

  /**
   * A Sandbox applied with kubectl, from no template: no Bastion label or annotation of its own.
   */
  private static final Sandbox SANDBOX_ON_ITS_OWN =
      (Sandbox)
          Manifests.parse(
                  """
                  apiVersion: agents.x-k8s.io/v1beta1
                  kind: Sandbox
                  metadata: {name: by-hand, namespace: bastion}
                  spec:
                    podTemplate:
                      metadata: {labels: {app.kubernetes.io/name: bastion}}
                      spec:
                        containers: [{name: main, image: bastion/python}]
                  """)
              .getFirst();

  private static final Set<String> IMAGES = Set.of("bastion/gateway", "bastion/python");

  // Knows every built-in Kubernetes kind and none of Bastion's, which it reads as generic.
  private static final KubernetesSerialization BUILT_IN_KINDS = new KubernetesSerialization();

  @Test
  void everyYamlFileParsesIntoObjectsWithApiVersionAndKind() {
    List<Path> files = DeployDirectory.yamlFiles();

    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String name = ROOT.relativize(file).toString();
      assertThatCode(() -> DeployDirectory.documents(file)).as(name).doesNotThrowAnyException();
      List<Document> documents = DeployDirectory.documents(file);
      assertThat(documents).as(name).isNotEmpty();
      for (Document document : documents) {
        assertThat(document.tree().get("apiVersion")).as(name).isInstanceOf(String.class);
        assertThat(document.tree().get("kind")).as(name).isInstanceOf(String.class);
      }
    }
  }

  @Test
  void everyKustomizationResourceExistsAndEveryDirectoryIsAKustomization() {
    List<Path> kustomizations = DeployDirectory.kustomizations();

    assertThat(kustomizations).isNotEmpty();
    for (Path kustomization : kustomizations) {
      for (Object resource : resources(kustomization)) {
        Path target = kustomization.resolveSibling(String.valueOf(resource)).normalize();
        String name = ROOT.relativize(kustomization) + " resource " + resource;
        assertThat(target).as(name).exists();
        if (Files.isDirectory(target)) {
          // kustomize refuses a file outside the kustomization's own directory; a directory is
          // fine, but only when it is a kustomization itself.
          assertThat(target.resolve(KUSTOMIZATION)).as(name).exists();
        }
      }
    }
  }

  @Test
  void theCrdsKustomizationListsEveryCrd() throws IOException {
    Set<String> listed =
        resources(CRDS.resolve(KUSTOMIZATION)).stream()
            .map(String::valueOf)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(listed).isEqualTo(crdFileNames(CRDS));
  }

  @Test
  void everyCustomKindInDeployAndEveryModelKindHasACrd() {
    Set<String> served = servedKinds();
    List<String> custom =
        DeployDirectory.objects().stream()
            .filter(document -> !document.file().startsWith(CRDS))
            .filter(DeployManifestsTest::isCustom)
            .map(document -> document.apiVersion() + " " + document.kind())
            .toList();
    List<String> model =
        ManifestKinds.all().stream()
            .map(type -> HasMetadata.getApiVersion(type) + " " + HasMetadata.getKind(type))
            .toList();

    assertThat(custom).as("custom kinds used in deploy/").isNotEmpty();
    assertThat(served).containsAll(custom).containsAll(model);
  }

  @Test
  void theCommittedCrdsAreTheOnesThisBuildGenerated() throws IOException {
    assertThat(GENERATED_CRDS).as("the generator's output: " + REGENERATE).isDirectory();
    Set<String> generated = crdFileNames(GENERATED_CRDS);

    assertThat(generated).isNotEmpty();
    assertThat(crdFileNames(CRDS)).as(REGENERATE).isEqualTo(generated);
    for (String name : generated) {
      assertThat(Files.mismatch(GENERATED_CRDS.resolve(name), CRDS.resolve(name)))
          .as("deploy/crds/" + name + " differs from the generated one: " + REGENERATE)
          .isEqualTo(-1L);
    }
  }

  @Test
  void theCrdsServeStatusScaleShortNamesAndColumns() {
    Map<String, Document> crds = crdsByKind();

    for (String kind : List.of("Sandbox", "SandboxClaim", "SandboxWarmPool")) {
      assertThat(at(version(crds.get(kind)), "subresources", "status")).as(kind).isNotNull();
    }
    assertThat(at(version(crds.get("SandboxWarmPool")), "subresources", "scale"))
        .isEqualTo(
            Map.of(
                "specReplicasPath", ".spec.replicas",
                "statusReplicasPath", ".status.replicas",
                "labelSelectorPath", ".status.selector"));
    assertThat(shortNames(crds.get("Sandbox"))).containsExactly("sandbox");
    assertThat(shortNames(crds.get("SandboxTemplate"))).containsExactly("sandboxtemplate");
    assertThat(shortNames(crds.get("SandboxClaim"))).containsExactly("sandboxclaim");
    assertThat(shortNames(crds.get("SandboxWarmPool"))).containsExactly("swp");
    assertThat(columns(crds.get("Sandbox"))).contains("Ready", "Reason", "Age");
    assertThat(columns(crds.get("SandboxClaim"))).contains("Ready", "Reason", "Age");
    assertThat(columns(crds.get("SandboxWarmPool"))).contains("Ready", "Template", "Age");
  }

  // The API server fills these in, so a field left out means the same on a cluster as in embedded
  // mode, where the model's readers apply the same defaults.
  @Test
  void theCrdsDefaultAndBoundWhatTheApiDefines() {
    Map<String, Document> crds = crdsByKind();

    assertThat(schema(crds.get("Sandbox"), "spec", "operatingMode").get("default"))
        .isEqualTo("Running");
    assertThat(schema(crds.get("Sandbox"), "spec", "shutdownPolicy").get("default"))
        .isEqualTo("Retain");
    Map.of(
            "networkPolicyManagement", "Managed",
            "envVarsInjectionPolicy", "Disallowed",
            "volumeClaimTemplatesPolicy", "Disallowed")
        .forEach(
            (field, value) ->
                assertThat(schema(crds.get("SandboxTemplate"), "spec", field).get("default"))
                    .as(field)
                    .isEqualTo(value));
    Map<?, ?> replicas = schema(crds.get("SandboxWarmPool"), "spec", "replicas");
    assertThat(replicas.get("default")).isEqualTo(1);
    assertThat(replicas.get("minimum")).isEqualTo(0.0);
    assertThat(schema(crds.get("SandboxWarmPool"), "spec", "updateStrategy", "type").get("default"))
        .isEqualTo("OnReplenish");
    assertThat(
            schema(crds.get("SandboxClaim"), "spec", "lifecycle", "shutdownPolicy").get("default"))
        .isEqualTo("Retain");
    assertThat(schema(crds.get("SandboxClaim"), "spec").get("required"))
        .isEqualTo(List.of("warmPoolRef"));
  }

  @Test
  void deployRunsOnlyTheProjectsImagesWhichTheDockerfileBuilds() throws IOException {
    List<Object> images =
        DeployDirectory.objects().stream()
            .filter(document -> !document.file().startsWith(CRDS))
            .flatMap(document -> DeployDirectory.valuesOf(document.tree(), "image").stream())
            .toList();
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));

    assertThat(images).isNotEmpty();
    assertThat(images).allSatisfy(image -> assertThat(repository(image)).isIn(IMAGES));
    assertThat(dockerfile).containsPattern(target("gateway")).containsPattern(target("sandbox"));
  }

  @Test
  void theExampleTemplateIsValidAndHardenedAndThePoolClaimAndPolicyFitIt() throws IOException {
    List<HasMetadata> examples = examples();
    SandboxTemplate template = only(examples, SandboxTemplate.class);
    SandboxWarmPool pool = only(examples, SandboxWarmPool.class);
    SandboxClaim claim = only(examples, SandboxClaim.class);
    ToolPolicy policy = only(examples, ToolPolicy.class);

    for (HasMetadata example : examples) {
      assertThat(ManifestValidator.validate(example)).as(example.getKind()).isEmpty();
    }
    assertThat(HardeningAudit.grade(template).orElseThrow().score()).isGreaterThanOrEqualTo(90);
    assertThat(template.getSpec().getPodTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(
            container -> assertThat(repository(container.getImage())).isEqualTo("bastion/python"));
    assertThat(pool.getSpec().getSandboxTemplateRef().getName())
        .isEqualTo(template.getMetadata().getName());
    assertThat(claim.getSpec().getWarmPoolRef().getName()).isEqualTo(pool.getMetadata().getName());
    assertThatCode(() -> ToolPolicyCompiler.compile(policy)).doesNotThrowAnyException();
  }

  @Test
  void theBaseDeniesEverySandboxPodsEgressAndAdmitsOnlyTheGatewayToSandboxd() throws IOException {
    NetworkPolicy floor = sandboxesPolicy();
    Map<String, String> gateway = gatewayPodLabels();

    assertThat(floor.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(floor.getSpec().getEgress()).isEmpty();
    // Selected: a pool member of the example template, and a Sandbox applied on its own.
    for (Sandbox sandbox : List.of(exampleSandbox(), SANDBOX_ON_ITS_OWN)) {
      Map<String, String> labels = SandboxPodBuilder.build(sandbox).getMetadata().getLabels();
      assertThat(LabelSelectors.matches(floor.getSpec().getPodSelector(), labels))
          .as("the policy selects " + labels)
          .isTrue();
    }
    assertThat(LabelSelectors.matches(floor.getSpec().getPodSelector(), gateway)).isFalse();
    NetworkPolicyIngressRule ingress = floor.getSpec().getIngress().getFirst();
    assertThat(floor.getSpec().getIngress()).hasSize(1);
    assertThat(ingress.getPorts())
        .extracting(NetworkPolicyPort::getProtocol, port -> port.getPort().getIntVal())
        .containsExactly(tuple("TCP", SandboxdWiring.PORT));
    NetworkPolicyPeer peer = ingress.getFrom().getFirst();
    assertThat(ingress.getFrom()).hasSize(1);
    assertThat(peer.getNamespaceSelector()).as("the policy's own namespace only").isNull();
    assertThat(peer.getIpBlock()).isNull();
    assertThat(LabelSelectors.matches(peer.getPodSelector(), gateway)).isTrue();
    // A sandbox whose template copies the gateway's labels is still not let in.
    Map<String, String> impostor = new HashMap<>(gateway);
    impostor.putAll(SandboxPodBuilder.build(SANDBOX_ON_ITS_OWN).getMetadata().getLabels());
    assertThat(LabelSelectors.matches(peer.getPodSelector(), impostor)).isFalse();
  }

  @Test
  void noIpBlockInDeployOrInAManagedPolicyReachesACloudMetadataAddress() throws IOException {
    List<Object> shipped =
        DeployDirectory.objects().stream()
            .filter(document -> !document.file().startsWith(CRDS)) // schemas name ipBlock too
            .flatMap(document -> DeployDirectory.valuesOf(document.tree(), "ipBlock").stream())
            .toList();
    GatewayPeer gateway = new GatewayPeer("bastion", gatewayPodLabels());
    List<IPBlock> managed = new ArrayList<>();
    for (HasMetadata example : examples()) {
      if (example instanceof SandboxTemplate template) {
        TemplateNetworkPolicyBuilder.build(template, gateway).stream()
            .flatMap(policy -> policy.getSpec().getEgress().stream())
            .flatMap(rule -> rule.getTo().stream())
            .map(NetworkPolicyPeer::getIpBlock)
            .filter(Objects::nonNull)
            .forEach(managed::add);
      }
    }

    for (Object block : shipped) {
      List<?> except = listAt(block, "except");
      assertThat(
              MetadataReach.reachable(
                  String.valueOf(at(block, "cidr")), except.stream().map(String::valueOf).toList()))
          .as("ipBlock " + block)
          .isEmpty();
    }
    assertThat(managed).as("the example template's managed egress").isNotEmpty();
    assertThat(managed)
        .allSatisfy(
            block ->
                assertThat(MetadataReach.reachable(block.getCidr(), block.getExcept()))
                    .as(block.getCidr())
                    .isEmpty());
  }

  @Test
  void everyOverlayHoldsItsNamespaceToTheRestrictedPodSecurityLevel() {
    List<Path> overlays =
        DeployDirectory.kustomizations().stream()
            .filter(file -> file.startsWith(DEPLOY.resolve("overlays")))
            .toList();

    assertThat(overlays).hasSize(2);
    for (Path overlay : overlays) {
      Object namespace = at(DeployDirectory.documents(overlay).getFirst().tree(), "namespace");
      List<Document> namespaces =
          resources(overlay).stream()
              .map(resource -> overlay.resolveSibling(String.valueOf(resource)))
              .filter(Files::isRegularFile)
              .flatMap(file -> DeployDirectory.documents(file).stream())
              .filter(document -> document.kind().equals("Namespace"))
              .filter(document -> namespace.equals(at(document.tree(), "metadata", "name")))
              .toList();
      assertThat(namespaces)
          .as(ROOT.relativize(overlay) + " creates namespace " + namespace)
          .hasSize(1);
      Object labels = at(namespaces.getFirst().tree(), "metadata", "labels");
      for (String mode : List.of("enforce", "warn", "audit")) {
        assertThat(at(labels, PSA + mode)).as(mode).isEqualTo("restricted");
        assertThat(String.valueOf(at(labels, PSA + mode + "-version")))
            .as(mode + "-version")
            .matches("latest|v1\\.\\d+");
      }
    }
  }

  @Test
  void theGatewayAndTheExampleTemplatesSandboxesMeetTheRestrictedLevel() throws IOException {
    Deployment deployment =
        BUILT_IN_KINDS.convertValue(only("Deployment", "bastion").tree(), Deployment.class);

    assertThat(RestrictedPodSecurity.violations(deployment.getSpec().getTemplate().getSpec()))
        .isEmpty();
    assertThat(
            RestrictedPodSecurity.violations(SandboxPodBuilder.build(exampleSandbox()).getSpec()))
        .isEmpty();
  }

  private static List<?> resources(Path kustomization) {
    return DeployDirectory.documents(kustomization).stream()
        .flatMap(document -> listAt(document.tree(), "resources").stream())
        .toList();
  }

  private static Set<String> crdFileNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean isCustom(Document document) {
    return BUILT_IN_KINDS.convertValue(document.tree(), KubernetesResource.class)
        instanceof GenericKubernetesResource;
  }

  private static Map<String, Document> crdsByKind() {
    return DeployDirectory.objects().stream()
        .filter(document -> document.file().startsWith(CRDS))
        .filter(document -> document.kind().equals("CustomResourceDefinition"))
        .collect(
            Collectors.toMap(
                document -> String.valueOf(at(document.tree(), "spec", "names", "kind")),
                document -> document));
  }

  // "group/version Kind" of every served version of every CRD.
  private static Set<String> servedKinds() {
    Set<String> served = new TreeSet<>();
    for (Document crd : crdsByKind().values()) {
      Object group = at(crd.tree(), "spec", "group");
      Object kind = at(crd.tree(), "spec", "names", "kind");
      for (Object version : listAt(crd.tree(), "spec", "versions")) {
        if (Boolean.TRUE.equals(at(version, "served"))) {
          served.add(group + "/" + at(version, "name") + " " + kind);
        }
      }
    }
    return served;
  }

  // Each CRD serves one version; with more, the checks would have to say which.
  private static Object version(Document crd) {
    List<?> versions = listAt(crd.tree(), "spec", "versions");
    assertThat(versions).as(crd.describe()).hasSize(1);
    return versions.get(0);
  }

  private static List<Object> shortNames(Document crd) {
    return List.copyOf(listAt(crd.tree(), "spec", "names", "shortNames"));
  }

  private static List<Object> columns(Document crd) {
    return listAt(version(crd), "additionalPrinterColumns").stream()
        .map(column -> at(column, "name"))
        .toList();
  }

  // The schema of the field at {@code path} (spec, then its properties' names).
  private static Map<?, ?> schema(Document crd, String... path) {
    Object schema = at(version(crd), "schema", "openAPIV3Schema");
    for (String field : path) {
      schema = at(schema, "properties", field);
    }
    assertThat(schema).as(crd.describe() + " " + String.join(".", path)).isInstanceOf(Map.class);
    return (Map<?, ?>) schema;
  }

  // An image without its tag or digest: bastion/python:latest is bastion/python.
  private static String repository(Object image) {
    String name = String.valueOf(image).replaceFirst("@.*$", "");
    int tag = name.lastIndexOf(':');
    return tag > name.lastIndexOf('/') ? name.substring(0, tag) : name;
  }

  private static Pattern target(String name) {
    return Pattern.compile("(?im)^FROM\\s+\\S+\\s+AS\\s+" + name + "\\s*$");
  }

  private static List<HasMetadata> examples() throws IOException {
    List<HasMetadata> examples = new ArrayList<>();
    for (Path file : DeployDirectory.yamlFiles()) {
      if (file.startsWith(DEPLOY.resolve("examples"))
          && !file.getFileName().toString().equals(KUSTOMIZATION)) {
        examples.addAll(Manifests.parse(Files.readString(file)));
      }
    }
    return examples;
  }

  private static NetworkPolicy sandboxesPolicy() {
    Path base = DEPLOY.resolve("base");
    Document document = only("NetworkPolicy", "bastion-sandboxes");
    assertThat(document.file()).startsWith(base);
    assertThat(resources(base.resolve(KUSTOMIZATION)).stream().map(String::valueOf))
        .contains(base.relativize(document.file()).toString());
    return BUILT_IN_KINDS.convertValue(document.tree(), NetworkPolicy.class);
  }

  private static Map<String, String> gatewayPodLabels() {
    Deployment deployment =
        BUILT_IN_KINDS.convertValue(only("Deployment", "bastion").tree(), Deployment.class);
    return deployment.getSpec().getTemplate().getMetadata().getLabels();
  }

  /** A member of a pool on the example template, as the controller makes it. */
  private static Sandbox exampleSandbox() throws IOException {
    SandboxTemplate template = only(examples(), SandboxTemplate.class);
    return SandboxBlueprint.fromTemplate(template, "bastion", "python-x1");
  }

  private static Document only(String kind, String name) {
    List<Document> matching =
        DeployDirectory.objects().stream()
            .filter(document -> document.kind().equals(kind))
            .filter(document -> name.equals(at(document.tree(), "metadata", "name")))
            .toList();
    assertThat(matching).as(kind + " " + name).hasSize(1);
    return matching.getFirst();
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as(type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }
}
