package dev.bastion.controller;

import dev.bastion.controller.admin.ResourceAdmin;
import dev.bastion.controller.embedded.ContainerObservations;
import dev.bastion.controller.embedded.DefaultResources;
import dev.bastion.controller.embedded.EmbeddedHosts;
import dev.bastion.controller.embedded.EmbeddedPods;
import dev.bastion.controller.embedded.LocalPodTemplate;
import dev.bastion.controller.embedded.MemoryImageMetrics;
import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.embedded.SandboxImages;
import dev.bastion.controller.embedded.SandboxLayout;
import dev.bastion.controller.embedded.SandboxSoftware;
import dev.bastion.controller.embedded.SandboxdKeyFile;
import dev.bastion.controller.image.ImagePulls;
import dev.bastion.controller.metrics.AgentSandboxMetrics;
import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.PoliciesInForce;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxCgroups;
import dev.bastion.controller.runtime.WorkspaceVolume;
import dev.bastion.controller.sandbox.EmbeddedOptions;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxdTokens;
import dev.bastion.controller.store.LocalResourceStore;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Assembles the controller for one machine: the durable store, the reconcilers over it, the
 * container runtime they drive, and the services the gateway calls. Blocking work runs on two named
 * worker pools: {@code bastion-controller} for reconciles (container starts take a while) and
 * {@code bastion-api} for agents' calls, so a burst of starts never delays a claim.
 */
public final class EmbeddedController implements SandboxController {

  /** Each tenant's Sandboxes and claims in a namespace of its own; the shared ones in default. */
  private static final TenantNamespaces NAMESPACES = TenantNamespaces.embedded();

  private final Vertx vertx;
  private final ResourceStore store;
  private final ControllerLoop loop;
  private final SandboxService sandboxes;
  private final ResourceAdmin admin;
  private final PoliciesInForce policies;
  private final AgentSandboxMetrics metrics;
  private final WorkerExecutor apiWorkers;
  private final ImagePulls pulls;
  private String deployment;

  private EmbeddedController(
      Vertx vertx,
      ResourceStore store,
      ControllerLoop loop,
      SandboxService sandboxes,
      ResourceAdmin admin,
      PoliciesInForce policies,
      AgentSandboxMetrics metrics,
      WorkerExecutor apiWorkers,
      ImagePulls pulls) {
    this.vertx = vertx;
    this.pulls = pulls;
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
      SandboxSoftware software,
      SandboxCgroups cgroups,
      EmbeddedOptions options,
      SandboxCeilings ceilings,
      int warmReplicas,
      MeterRegistry registry,
      Clock clock) {
    ResourceStore store =
        LocalResourceStore.durable(
            stateDir.resolve("resources"), clock, ManifestKinds.customResources());
    DefaultResources.install(store, runtime.kind(), warmReplicas);
    SandboxLayout layout = new SandboxLayout(stateDir);
    SandboxdTokens tokens = new SandboxdTokens(SandboxdKeyFile.loadOrCreate(stateDir));
    ContainerObservations observations = new ContainerObservations(runtime);
    ImagePulls pulls =
        new ImagePulls(software.images(), () -> SandboxImages.digestsInUse(layout), clock);
    EmbeddedPods pods =
        new EmbeddedPods(
            runtime,
            layout,
            new SandboxImages(software.builtInRoot(), layout, pulls, clock),
            software,
            cgroups,
            new WorkspaceVolume(),
            clock,
            options.readyTimeout(),
            ceilings,
            tokens,
            observations,
            new MemoryImageMetrics(registry));
    EmbeddedHosts hosts = new EmbeddedHosts(runtime, layout, tokens, observations);
    pods.recover(
        store.listAll(Sandbox.class).stream().map(EmbeddedPods::keyOf).collect(Collectors.toSet()));
    // What a crash or a moved tag left: roots half unpacked, digests no sandbox runs any more.
    software.images().collect(SandboxImages.digestsInUse(layout));

    AgentSandboxMetrics metrics = new AgentSandboxMetrics(registry, NAMESPACES);
    WorkerExecutor apiWorkers = ApiWorkers.open(vertx);
    ControllerLoop loop =
        AgentSandboxLoop.addReconcilers(
            AgentSandboxLoop.newLoop(vertx), store, NAMESPACES, pods, clock, metrics);
    SandboxService sandboxes =
        new SandboxService(
            vertx, apiWorkers, store, loop, hosts, NAMESPACES, options, pods.snapshots(), clock);
    ResourceAdmin admin =
        new ResourceAdmin(
            store,
            NAMESPACES,
            sandboxes.admission(),
            object -> checkLocally(object, runtime.kind(), ceilings));
    return new EmbeddedController(
        vertx,
        store,
        loop,
        sandboxes,
        admin,
        new PoliciesInForce(store),
        metrics,
        apiWorkers,
        pulls);
  }

  @Override
  public Future<Void> start() {
    return vertx
        .deployVerticle(new ControllerVerticle(loop, store, metrics))
        .onSuccess(id -> deployment = id)
        .mapEmpty();
  }

  /** Stops reconciling; sandboxes keep running and are picked up by the next start. */
  @Override
  public Future<Void> stop() {
    Future<Void> undeployed =
        deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    return undeployed
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      pulls.close();
                      return null;
                    }))
        .onComplete(done -> apiWorkers.close());
  }

  @Override
  public SandboxService sandboxes() {
    return sandboxes;
  }

  @Override
  public Optional<ResourceAdmin> admin() {
    return Optional.of(admin);
  }

  @Override
  public PoliciesInForce policies() {
    return policies;
  }

  @Override
  public <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return apiWorkers.executeBlocking(work, false);
  }

  /**
   * Rejects what a Sandbox or template asks that cannot apply on this machine, or that is more than
   * this server grants a sandbox.
   */
  private static void checkLocally(
      HasMetadata object, RuntimeKind runtime, SandboxCeilings ceilings) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (object instanceof Sandbox sandbox) {
      ceilings.check(LocalPodTemplate.map(sandbox.getSpec(), runtime, cores));
    } else if (object instanceof SandboxTemplate template) {
      ceilings.check(LocalPodTemplate.map(template.getSpec(), runtime, cores));
    }
  }
}
