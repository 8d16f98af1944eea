package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.OperatingMode;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.store.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes backend against fabric8's mock API server in CRUD mode with the generated CRDs:
 * the same reconcilers as on one machine, driving Pods, Services, PVCs, Secrets and NetworkPolicies
 * through informers. The mock has no garbage collector and no kubelet: children of a deleted owner
 * are not removed here (the k3s suite covers that), and {@link FakeKubelet} starts pods.
 */
class KubernetesControllerIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private static MockCluster cluster;
  private static Vertx vertx;

  /**
   * Everything a test started runs until the class ends, each test in a namespace of its own. The
   * mock server blocks its only event loop (up to a minute, in WatchEventsListener.onClosed) when a
   * client closes a watch while events for it are being sent; closing controllers and kubelets
   * after each test made the next test's requests time out now and then. The server goes first at
   * the end, so no client closes a watch on a live server.
   */
  private static final List<AutoCloseable> closeAfter = new ArrayList<>();

  private static final List<KubernetesController> controllers = new ArrayList<>();
  private final String namespace = "it-" + NAMESPACES.incrementAndGet();
  private KubernetesClient api;

  @BeforeAll
  static void startCluster() {
    cluster = new MockCluster();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.close();
    Future.join(controllers.stream().map(KubernetesController::stop).toList())
        .await(30, TimeUnit.SECONDS);
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSandboxBecomesAReadyPodWithItsSecretVolumesServiceAndPolicy() throws Exception {
    apply(template("py", "service: true", "Managed"));
    FakeKubelet kubelet = kubelet();
    KubernetesController controller = controller("replica-1");
    apply(sandboxOf("py", "s1"));

    Sandbox ready = awaitSandbox("s1", SandboxConditions::isReady);
    Pod pod = api.pods().inNamespace(namespace).withName("s1").get();
    assertThat(Owners.isControlledBy(pod, ready)).isTrue();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(AgentLabels.SANDBOX_NAME_HASH, AgentLabels.nameHash("s1"))
        .containsEntry(SandboxdWiring.TEMPLATE_LABEL, "py");
    assertThat(ready.getStatus().getPodIPs()).containsExactly(pod.getStatus().getPodIP());
    assertThat(ready.getStatus().getServiceFQDN())
        .isEqualTo("s1." + namespace + ".svc.cluster.local");
    assertThat(api.services().inNamespace(namespace).withName("s1").get()).isNotNull();
    assertThat(api.persistentVolumeClaims().inNamespace(namespace).withName("workspace-s1").get())
        .isNotNull();
    assertThat(
            api.network()
                .v1()
                .networkPolicies()
                .inNamespace(namespace)
                .withName("py-sandboxes")
                .get())
        .isNotNull();

    // The token in the pod's Secret is the one the gateway presents: derived, never stored twice.
    Secret secret =
        api.secrets().inNamespace(namespace).withName(SandboxdWiring.secretName("s1")).get();
    var address =
        (dev.bastion.controller.sandbox.SandboxdAddress.Tcp) podsOf(controller).sandboxd(ready);
    assertThat(decode(secret.getData().get(SandboxdWiring.TOKEN_KEY))).isEqualTo(address.token());
    assertThat(address.host()).isEqualTo(pod.getStatus().getPodIP());
    assertThat(address.port()).isEqualTo(SandboxdWiring.PORT);
    assertThat(kubelet).isNotNull();
  }

  @Test
  void aSecondPassWritesNothingAndADeletedChildComesBack() throws Exception {
    apply(template("py", "service: true", "Managed"));
    kubelet();
    KubernetesController controller = controller("replica-1");
    apply(sandboxOf("py", "s1"));
    awaitSandbox("s1", SandboxConditions::isReady);

    // One pass lets what the last events queued finish; the pass after it must write nothing.
    reconcileEverything(controller);
    Map<String, Integer> before = cluster.writesByResource();
    reconcileEverything(controller);
    assertThat(cluster.writesByResource())
        .as("writes by resource after a pass over an unchanged world")
        .isEqualTo(before);

    api.network().v1().networkPolicies().inNamespace(namespace).withName("py-sandboxes").delete();
    api.services().inNamespace(namespace).withName("s1").delete();
    api.pods().inNamespace(namespace).withName("s1").delete();
    await(
        () ->
            api.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(namespace)
                        .withName("py-sandboxes")
                        .get()
                    != null
                && api.services().inNamespace(namespace).withName("s1").get() != null
                && api.pods().inNamespace(namespace).withName("s1").get() != null,
        "the deleted NetworkPolicy, Service and Pod to come back");
    awaitSandbox("s1", SandboxConditions::isReady);
  }

  @Test
  void fiftyClaimsOnAPoolOfTwentyWithTwoControllersRacingShareNoSandbox() throws Exception {
    apply(template("py", "", "Managed"));
    FakeKubelet kubelet = kubelet();
    controller("replica-1");
    apply(pool("py", 20));
    await(() -> readyReplicas("py") == 20, "the pool to hold 20 ready sandboxes");
    kubelet.pause(); // replacements stay Pending: exactly the 20 ready ones can be adopted
    // A second controller, as a restarted or duplicated one would be, serves the same claims.
    controller("replica-2");

    List<String> claims = IntStream.range(0, 50).mapToObj(i -> "claim-" + i).toList();
    claims.parallelStream().forEach(name -> apply(claim(name, "py")));
    await(
        () -> claims.stream().allMatch(name -> sandboxOfClaim(name) != null),
        "every claim to be given a sandbox");

    Set<String> sandboxes = new HashSet<>();
    int warm = 0;
    for (String name : claims) {
      String sandbox = sandboxOfClaim(name);
      assertThat(sandboxes.add(sandbox)).as("sandbox %s given to two claims", sandbox).isTrue();
      Sandbox object = api.resources(Sandbox.class).inNamespace(namespace).withName(sandbox).get();
      assertThat(Owners.controllerOf(object).orElseThrow().getName()).isEqualTo(name);
      if (!sandbox.equals(name)) {
        warm++; // adopted from the pool (a cold one is named like its claim)
      }
    }
    assertThat(warm).isEqualTo(20);
    assertThat(sandboxes).hasSize(50);
  }

  @Test
  void suspendKeepsServiceAndVolumesAndResumeStartsAFreshPod() throws Exception {
    apply(template("py", "service: true", "Managed"));
    kubelet();
    controller("replica-1");
    apply(sandboxOf("py", "s1"));
    awaitSandbox("s1", SandboxConditions::isReady);
    String firstPod = api.pods().inNamespace(namespace).withName("s1").get().getMetadata().getUid();

    setOperatingMode("s1", OperatingMode.Suspended);
    awaitSandbox("s1", s -> isSuspended(s));
    assertThat(api.pods().inNamespace(namespace).withName("s1").get()).isNull();
    assertThat(api.services().inNamespace(namespace).withName("s1").get()).isNotNull();
    assertThat(api.persistentVolumeClaims().inNamespace(namespace).withName("workspace-s1").get())
        .isNotNull();

    setOperatingMode("s1", OperatingMode.Running);
    awaitSandbox("s1", SandboxConditions::isReady);
    assertThat(api.pods().inNamespace(namespace).withName("s1").get().getMetadata().getUid())
        .isNotEqualTo(firstPod);
  }

  @Test
  void expiryRetainKeepsTheSandboxAndVolumesAndDeleteRemovesIt() throws Exception {
    apply(template("py", "service: true", "Managed"));
    kubelet();
    controller("replica-1");
    String soon = Instant.now().plusSeconds(3).toString();
    apply(withShutdown(sandboxOf("py", "kept"), soon, "Retain"));
    apply(withShutdown(sandboxOf("py", "gone"), soon, "Delete"));
    awaitSandbox("kept", SandboxConditions::isReady);

    awaitSandbox(
        "kept", s -> SandboxConditions.readyReason(s).filter("SandboxExpired"::equals).isPresent());
    assertThat(api.pods().inNamespace(namespace).withName("kept").get()).isNull();
    assertThat(api.services().inNamespace(namespace).withName("kept").get()).isNull();
    assertThat(api.persistentVolumeClaims().inNamespace(namespace).withName("workspace-kept").get())
        .isNotNull();
    await(
        () -> api.resources(Sandbox.class).inNamespace(namespace).withName("gone").get() == null,
        "the Sandbox with shutdownPolicy Delete to be deleted");
  }

  @Test
  void poolScalesUpAndDownAndRecreateReplacesStaleMembers() throws Exception {
    apply(template("py", "", "Managed"));
    kubelet();
    controller("replica-1");
    apply(pool("py", 3));
    await(() -> readyReplicas("py") == 3, "3 ready members");
    scale("py", 5);
    await(() -> readyReplicas("py") == 5 && members("py").size() == 5, "5 ready members");
    scale("py", 2);
    await(() -> members("py").size() == 2, "2 members after scaling down");

    Set<String> before = new HashSet<>(members("py"));
    edit(
        SandboxWarmPool.class,
        "py",
        pool -> {
          pool.getSpec()
              .getUpdateStrategy()
              .setType(dev.bastion.controller.model.UpdateStrategyType.Recreate);
          return pool;
        });
    edit(
        SandboxTemplate.class,
        "py",
        template -> {
          template.getSpec().getPodTemplate().getMetadata().getLabels().put("revision", "2");
          return template;
        });
    await(
        () -> {
          List<String> now = members("py");
          return now.size() == 2
              && now.stream().noneMatch(before::contains)
              && readyReplicas("py") == 2;
        },
        "Recreate to replace both members with ones of the new template");
  }

  @Test
  void anUnmanagedTemplateGetsNoPolicyAndAManagedOneLosesItWhenSwitched() throws Exception {
    apply(template("free", "", "Unmanaged"));
    apply(template("strict", "", "Managed"));
    KubernetesController controller = controller("replica-1");
    await(
        () ->
            api.network()
                    .v1()
                    .networkPolicies()
                    .inNamespace(namespace)
                    .withName("strict-sandboxes")
                    .get()
                != null,
        "the managed template's NetworkPolicy");
    reconcileEverything(controller);
    assertThat(api.network().v1().networkPolicies().inNamespace(namespace).list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("strict-sandboxes");

    edit(
        SandboxTemplate.class,
        "strict",
        strict -> {
          strict
              .getSpec()
              .setNetworkPolicyManagement(
                  dev.bastion.controller.model.NetworkPolicyManagement.Unmanaged);
          return strict;
        });
    await(
        () ->
            api.network().v1().networkPolicies().inNamespace(namespace).list().getItems().isEmpty(),
        "the policy of a template switched to Unmanaged to be deleted");
  }

  @Test
  void onlyTheReplicaHoldingTheLeaseReconciles() throws Exception {
    apply(template("py", "", "Managed"));
    kubelet();
    KubernetesController first = electingController("replica-1");
    KubernetesController second = electingController("replica-2");
    apply(sandboxOf("py", "s1"));
    awaitSandbox("s1", SandboxConditions::isReady);
    String holder =
        api.leases()
            .inNamespace(namespace)
            .withName(ControllerLease.NAME)
            .get()
            .getSpec()
            .getHolderIdentity();
    assertThat(holder).isIn("replica-1", "replica-2");
    assertThat(first).isNotSameAs(second);
  }

  // ------------------------------------------------------------------ fixtures

  private KubernetesController controller(String identity) throws Exception {
    return startController(identity, false);
  }

  private KubernetesController electingController(String identity) throws Exception {
    return startController(identity, true);
  }

  private KubernetesController startController(String identity, boolean elect) throws Exception {
    api();
    KubernetesController controller =
        KubernetesController.create(
            vertx,
            cluster.client(),
            namespace,
            new GatewayPeer(namespace, Map.of("app.kubernetes.io/name", "bastion")),
            identity,
            elect,
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    controller.start().await(10, TimeUnit.SECONDS);
    controllers.add(controller);
    return controller;
  }

  private FakeKubelet kubelet() {
    api();
    FakeKubelet kubelet = new FakeKubelet(cluster.client(), namespace);
    closeAfter.add(kubelet);
    return kubelet;
  }

  private static KubernetesPods podsOf(KubernetesController controller) {
    return controller.pods();
  }

  /** Runs one pass over every object the controller knows and waits for all of them. */
  private static void reconcileEverything(KubernetesController controller) throws Exception {
    List<Future<Void>> passes = new ArrayList<>();
    for (Class<? extends HasMetadata> kind :
        List.of(Sandbox.class, SandboxTemplate.class, SandboxWarmPool.class, SandboxClaim.class)) {
      @SuppressWarnings("unchecked")
      var crd = (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>>) kind;
      for (ObjectKey key : controller.store().keys(crd)) {
        passes.add(controller.loop().reconcileNow(key));
      }
    }
    Future.all(passes).await(30, TimeUnit.SECONDS);
  }

  private void apply(String yaml) {
    ClusterFixtures.apply(api(), namespace, yaml);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    ClusterFixtures.await(condition, PATIENCE, what);
  }

  private KubernetesClient api() {
    if (api == null) {
      api = cluster.client();
      closeAfter.add(api);
    }
    return api;
  }

  private Sandbox awaitSandbox(String name, java.util.function.Predicate<Sandbox> wanted)
      throws InterruptedException {
    Sandbox[] seen = new Sandbox[1];
    await(
        () -> {
          seen[0] = api.resources(Sandbox.class).inNamespace(namespace).withName(name).get();
          return seen[0] != null && wanted.test(seen[0]);
        },
        "Sandbox " + name + " to reach the wanted state");
    return seen[0];
  }

  /**
   * Reads, changes and patches an object as a user would, again when the controller wrote the
   * object in between (its status, say): a conflict is the API server's answer to that, and kubectl
   * users retry it too.
   */
  private <T extends HasMetadata> void edit(Class<T> type, String name, UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        api.resources(type).inNamespace(namespace).withName(name).edit(change);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private void setOperatingMode(String name, OperatingMode mode) {
    edit(
        Sandbox.class,
        name,
        s -> {
          s.getSpec().setOperatingMode(mode);
          return s;
        });
  }

  private void scale(String pool, int replicas) {
    edit(
        SandboxWarmPool.class,
        pool,
        p -> {
          p.getSpec().setReplicas(replicas);
          return p;
        });
  }

  private int readyReplicas(String pool) {
    SandboxWarmPool object =
        api.resources(SandboxWarmPool.class).inNamespace(namespace).withName(pool).get();
    return object == null
            || object.getStatus() == null
            || object.getStatus().getReadyReplicas() == null
        ? 0
        : object.getStatus().getReadyReplicas();
  }

  private List<String> members(String pool) {
    return api
        .resources(Sandbox.class)
        .inNamespace(namespace)
        .withLabel(AgentLabels.WARM_POOL, pool)
        .list()
        .getItems()
        .stream()
        .map(s -> s.getMetadata().getName())
        .toList();
  }

  private String sandboxOfClaim(String claim) {
    SandboxClaim object =
        api.resources(SandboxClaim.class).inNamespace(namespace).withName(claim).get();
    return object == null || object.getStatus() == null || object.getStatus().getSandbox() == null
        ? null
        : object.getStatus().getSandbox().getName();
  }

  private static boolean isSuspended(Sandbox sandbox) {
    return sandbox.getStatus() != null
        && sandbox.getStatus().getConditions() != null
        && sandbox.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    SandboxConditions.SUSPENDED.equals(c.getType())
                        && "True".equals(c.getStatus()));
  }

  private static String decode(String base64) {
    return new String(
        java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String template(String name, String serviceLine, String management) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata: {name: %s}
        spec:
          networkPolicyManagement: %s
          %s
          podTemplate:
            metadata:
              labels: {app: python}
            spec:
              runtimeClassName: gvisor
              containers:
              - name: main
                image: bastion/python:dev
                resources:
                  limits: {cpu: "1", memory: 512Mi}
          volumeClaimTemplates:
          - metadata: {name: workspace}
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests: {storage: 1Gi}
        """
        .formatted(name, management, serviceLine);
  }

  /** A Sandbox as a template makes it (the template's pod, claim templates and service). */
  private String sandboxOf(String template, String name) {
    SandboxTemplate parsed =
        (SandboxTemplate) Manifests.parse(template(template, "service: true", "Managed")).get(0);
    parsed.getMetadata().setNamespace(namespace);
    Sandbox sandbox =
        dev.bastion.controller.desired.SandboxBlueprint.fromTemplate(parsed, namespace, name);
    return Manifests.toYaml(sandbox);
  }

  private static String withShutdown(String sandboxYaml, String time, String policy) {
    Sandbox sandbox = (Sandbox) Manifests.parse(sandboxYaml).get(0);
    sandbox.getSpec().setShutdownTime(time);
    sandbox
        .getSpec()
        .setShutdownPolicy(dev.bastion.controller.model.ShutdownPolicy.valueOf(policy));
    return Manifests.toYaml(sandbox);
  }

  private static String pool(String template, int replicas) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: %s}
        spec:
          replicas: %d
          sandboxTemplateRef: {name: %s}
          updateStrategy: {type: OnReplenish}
        """
        .formatted(template, replicas, template);
  }

  private static String claim(String name, String pool) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxClaim
        metadata: {name: %s}
        spec:
          warmPoolRef: {name: %s}
        """
        .formatted(name, pool);
  }
}
