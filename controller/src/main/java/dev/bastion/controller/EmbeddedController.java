package dev.bastion.controller;

import dev.bastion.controller.admin.ResourceAdmin;
import dev.bastion.controller.embedded.DefaultResources;
import dev.bastion.controller.embedded.EmbeddedPods;
import dev.bastion.controller.embedded.LocalPodTemplate;
import dev.bastion.controller.embedded.SandboxLayout;
import dev.bastion.controller.metrics.AgentSandboxMetrics;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.policy.PoliciesInForce;
import dev.bastion.controller.reconcile.ClaimReconciler;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.reconcile.Expectations;
import dev.bastion.controller.reconcile.SandboxReconciler;
import dev.bastion.controller.reconcile.WarmPoolReconciler;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxCgroups;
import dev.bastion.controller.runtime.WorkspaceVolume;
import dev.bastion.controller.sandbox.EmbeddedOptions;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.store.LocalResourceStore;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceEvent;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Assembles the controller for one machine: the durable store, the reconcilers over it, the
 * container runtime they drive, and the services the gateway calls. Blocking work runs on two named
 * worker pools: {@code bastion-controller} for reconciles (container starts take a while) and
 * {@code bastion-api} for agents' calls, so a burst of starts never delays a claim.
 */
public final class EmbeddedController {

  /** The kinds the embedded store holds. */
  public static final List<Class<? extends CustomResource<?, ?>>> KINDS =
      List.of(
          Sandbox.class,
          SandboxTemplate.class,
          SandboxWarmPool.class,
          SandboxClaim.class,
          ToolPolicy.class);

  // Workers per kind: starts are CPU-bound (about two core-seconds each on this machine kind), so
  // more than a few at once only slows each; claim passes take milliseconds, mostly an fsync.
  private static final int SANDBOX_WORKERS = 4;
  private static final int POOL_WORKERS = 2;
  private static final int CLAIM_WORKERS = 4;
  private static final Duration RESYNC = Duration.ofSeconds(5);
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final Vertx vertx;
  private final ResourceStore store;
  private final ControllerLoop loop;
  private final SandboxService sandboxes;
  private final ResourceAdmin admin;
  private final PoliciesInForce policies;
  private final AgentSandboxMetrics metrics;
  private final WorkerExecutor apiWorkers;
  private String deployment;

  private EmbeddedController(
      Vertx vertx,
      ResourceStore store,
      ControllerLoop loop,
      SandboxService sandboxes,
      ResourceAdmin admin,
      PoliciesInForce policies,
      AgentSandboxMetrics metrics,
      WorkerExecutor apiWorkers) {
    this.vertx = vertx;
    this.store = store;
    this.loop = loop;
    this.sandboxes = sandboxes;
    this.admin = admin;
    this.policies = policies;
    this.metrics = metrics;
    this.apiWorkers = apiWorkers;
  }

  /**
   * Loads the store under {@code stateDir}, installs the shipped template and pool, and removes
   * containers and directories that no Sandbox owns. Blocks: call it before serving.
   */
  public static EmbeddedController create(
      Vertx vertx,
      Path stateDir,
      ContainerRuntime runtime,
      Path rootfs,
      Path sandboxdJar,
      SandboxCgroups cgroups,
      EmbeddedOptions options,
      int warmReplicas,
      MeterRegistry registry,
      Clock clock) {
    ResourceStore store = LocalResourceStore.durable(stateDir.resolve("resources"), clock, KINDS);
    DefaultResources.install(store, runtime.kind(), warmReplicas);
    EmbeddedPods pods =
        new EmbeddedPods(
            runtime,
            new SandboxLayout(stateDir),
            rootfs,
            sandboxdJar,
            cgroups,
            new WorkspaceVolume(),
            clock,
            options.readyTimeout());
    pods.recover(
        store.listAll(Sandbox.class).stream()
            .map(s -> s.getMetadata().getName())
            .collect(Collectors.toSet()));

    AgentSandboxMetrics metrics = new AgentSandboxMetrics(registry);
    WorkerExecutor apiWorkers = vertx.createSharedWorkerExecutor("bastion-api", 8);
    Expectations expectations = new Expectations(clock, Duration.ofMinutes(1));
    ControllerLoop loop =
        new ControllerLoop(vertx, "bastion-controller", RESYNC)
            .register(
                new SandboxReconciler(store, pods, clock, metrics),
                SANDBOX_WORKERS,
                () -> store.keys(Sandbox.class))
            .register(
                new WarmPoolReconciler(
                    store, expectations, clock, Duration.ofMinutes(5), suffixes()),
                POOL_WORKERS,
                () -> store.keys(SandboxWarmPool.class))
            .register(
                new ClaimReconciler(store, clock, metrics),
                CLAIM_WORKERS,
                () -> store.keys(SandboxClaim.class))
            .map("SandboxTemplate", event -> poolsUsing(store, event.namespace(), event.name()))
            .map(
                "SandboxWarmPool",
                // A claim waits on a pool only for it to exist: a pool that exists serves every
                // claim, warm or cold. Its status changes, one per claim in a burst, wake nobody.
                event ->
                    event.change() == ResourceEvent.Change.STATUS
                        ? List.of()
                        : claimsOn(store, event.namespace(), event.name()));
    SandboxService sandboxes =
        new SandboxService(vertx, apiWorkers, store, loop, pods, options, clock);
    ResourceAdmin admin = new ResourceAdmin(store, object -> checkLocally(object, runtime.kind()));
    return new EmbeddedController(
        vertx, store, loop, sandboxes, admin, new PoliciesInForce(store), metrics, apiWorkers);
  }

  /** Starts reconciling. */
  public Future<Void> start() {
    return vertx
        .deployVerticle(new ControllerVerticle(loop, store, metrics))
        .onSuccess(id -> deployment = id)
        .mapEmpty();
  }

  /** Stops reconciling; sandboxes keep running and are picked up by the next start. */
  public Future<Void> stop() {
    Future<Void> undeployed =
        deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    return undeployed.onComplete(done -> apiWorkers.close());
  }

  public SandboxService sandboxes() {
    return sandboxes;
  }

  public ResourceAdmin admin() {
    return admin;
  }

  /** The ToolPolicies in force, kept current as they are applied and deleted. */
  public PoliciesInForce policies() {
    return policies;
  }

  /** Runs blocking admin work on the API pool. */
  public <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return apiWorkers.executeBlocking(work, false);
  }

  /** Rejects what a Sandbox or template asks that cannot apply on this machine. */
  private static void checkLocally(HasMetadata object, RuntimeKind runtime) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (object instanceof Sandbox sandbox) {
      LocalPodTemplate.map(sandbox.getSpec(), runtime, cores);
    } else if (object instanceof SandboxTemplate template) {
      LocalPodTemplate.map(template.getSpec(), runtime, cores);
    }
  }

  private static List<ObjectKey> poolsUsing(
      ResourceStore store, String namespace, String template) {
    return store
        .list(
            SandboxWarmPool.class,
            namespace,
            (SandboxWarmPool p) -> template.equals(p.getSpec().getSandboxTemplateRef().getName()))
        .stream()
        .map(p -> new ObjectKey("SandboxWarmPool", namespace, p.getMetadata().getName()))
        .toList();
  }

  /** Claims on a pool still waiting for a sandbox: a pool appearing may serve them. */
  private static List<ObjectKey> claimsOn(ResourceStore store, String namespace, String pool) {
    return store
        .list(
            SandboxClaim.class,
            namespace,
            (SandboxClaim c) ->
                pool.equals(c.getSpec().getWarmPoolRef().getName())
                    && (c.getStatus() == null || c.getStatus().getSandbox() == null))
        .stream()
        .map(c -> new ObjectKey("SandboxClaim", namespace, c.getMetadata().getName()))
        .toList();
  }

  private static Supplier<String> suffixes() {
    SecureRandom random = new SecureRandom();
    return () -> {
      StringBuilder suffix = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
      }
      return suffix.toString();
    };
  }
}
