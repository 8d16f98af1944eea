package dev.bastion.controller.kubernetes;

import dev.bastion.controller.AgentSandboxLoop;
import dev.bastion.controller.ApiWorkers;
import dev.bastion.controller.ControllerVerticle;
import dev.bastion.controller.SandboxController;
import dev.bastion.controller.admin.ResourceAdmin;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.metrics.AgentSandboxMetrics;
import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.PoliciesInForce;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.sandbox.EmbeddedOptions;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxdTokens;
import dev.bastion.controller.sandbox.SnapshotStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Assembles the controller for a cluster: the Agent Sandbox objects of one namespace through
 * informers, the same reconcilers as on one machine driving Pods, and the managed NetworkPolicy of
 * every template. Every replica serves agents; the one holding the Lease reconciles. Blocking work
 * (API calls) runs on the named worker pools {@code bastion-controller} and {@code bastion-api}. It
 * owns the client it is given and closes it when stopped.
 */
public final class KubernetesController implements SandboxController {

  private static final Logger LOG = Logger.getLogger(KubernetesController.class.getName());
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(1);
  private static final int NETWORK_POLICY_WORKERS = 1;

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String namespace;
  private final String identity;
  private final KubernetesStore store;
  private final KubernetesPods pods;
  private final TemplateNetworkPolicies networkPolicies;
  private final ControllerLoop loop;
  private final SandboxService sandboxes;
  private final PoliciesInForce policies;
  private final AgentSandboxMetrics metrics;
  private final WorkerExecutor apiWorkers;
  private final boolean electLeader;
  private CompletableFuture<?> campaign;
  private volatile boolean leaseLost;
  private volatile boolean stopping;
  private String deployment;

  private KubernetesController(Builder b) {
    this.vertx = b.vertx;
    this.client = b.client;
    this.namespace = b.namespace;
    this.identity = b.identity;
    this.store = b.store;
    this.pods = b.pods;
    this.networkPolicies = b.networkPolicies;
    this.loop = b.loop;
    this.sandboxes = b.sandboxes;
    this.policies = b.policies;
    this.metrics = b.metrics;
    this.apiWorkers = b.apiWorkers;
    this.electLeader = b.electLeader;
  }

  /**
   * Connects to the namespace's objects and waits until the caches are filled. Blocks: call it
   * before serving.
   *
   * @param identity this replica's name in the Lease (the pod name)
   * @param electLeader false to reconcile without a Lease (tests that race two controllers)
   */
  public static KubernetesController create(
      Vertx vertx,
      KubernetesClient client,
      String namespace,
      GatewayPeer gateway,
      String identity,
      boolean electLeader,
      MeterRegistry registry,
      Clock clock) {
    Builder b = new Builder();
    b.vertx = vertx;
    b.client = client;
    b.namespace = namespace;
    b.identity = identity;
    b.electLeader = electLeader;
    try {
      b.store =
          KubernetesStore.start(client, namespace, ManifestKinds.customResources(), SYNC_TIMEOUT);
      SandboxdTokens tokens = new SandboxdTokens(SandboxdKey.loadOrCreate(client, namespace));
      b.metrics = new AgentSandboxMetrics(registry, TenantNamespaces.single(namespace));
      // The loop is made before the informers, which wake objects through it.
      ControllerLoop loop = AgentSandboxLoop.newLoop(vertx);
      b.pods = KubernetesPods.start(client, namespace, tokens, loop::enqueue, SYNC_TIMEOUT);
      b.networkPolicies =
          TemplateNetworkPolicies.start(
              client, namespace, b.store, gateway, loop::enqueue, SYNC_TIMEOUT);
      b.loop =
          AgentSandboxLoop.addReconcilers(
                  loop, b.store, TenantNamespaces.single(namespace), b.pods, clock, b.metrics)
              .register(
                  b.networkPolicies,
                  NETWORK_POLICY_WORKERS,
                  () -> b.store.keys(SandboxTemplate.class));
      b.loop.standBy();
      b.apiWorkers = ApiWorkers.open(vertx);
      b.sandboxes =
          new SandboxService(
              vertx,
              b.apiWorkers,
              b.store,
              b.loop,
              b.pods,
              TenantNamespaces.single(namespace),
              EmbeddedOptions.defaults(),
              SnapshotStore.UNSUPPORTED,
              clock);
      b.policies = new PoliciesInForce(b.store);
      return new KubernetesController(b);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
  }

  @Override
  public Future<Void> start() {
    if (!electLeader) {
      return reconcile();
    }
    campaign =
        ControllerLease.campaign(
            client,
            namespace,
            identity,
            () -> vertx.runOnContext(ignored -> reconcile()),
            () ->
                // Passes already queued could act on a world another replica now changes, and a
                // stopped loop cannot start again: this replica stops reconciling and reports
                // itself unhealthy, so Kubernetes restarts it as a candidate (client-go's
                // controllers exit outright). It serves agents until then.
                vertx.runOnContext(
                    ignored -> {
                      if (stopping) {
                        return; // given up on purpose by stop()
                      }
                      LOG.severe("lost the controller lease: reconciling stopped, restart needed");
                      leaseLost = true;
                      undeploy();
                    }));
    return Future.succeededFuture();
  }

  private Future<Void> reconcile() {
    LOG.info("reconciling the Agent Sandbox objects of namespace " + namespace);
    return vertx
        .deployVerticle(new ControllerVerticle(loop, store, metrics))
        .onSuccess(id -> deployment = id)
        .mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    stopping = true;
    if (campaign != null) {
      campaign.cancel(true);
    }
    Promise<Void> stopped = Promise.promise();
    undeploy()
        .onComplete(
            done ->
                vertx
                    .executeBlocking(
                        () -> {
                          networkPolicies.close();
                          pods.close();
                          store.close();
                          client.close();
                          return null;
                        })
                    .onComplete(closed -> apiWorkers.close().onComplete(x -> stopped.complete())));
    return stopped.future();
  }

  private Future<Void> undeploy() {
    String id = deployment;
    deployment = null;
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  @Override
  public SandboxService sandboxes() {
    return sandboxes;
  }

  @Override
  public PoliciesInForce policies() {
    return policies;
  }

  @Override
  public boolean live() {
    return !leaseLost;
  }

  /** None: on a cluster, kubectl applies, gets and deletes objects. */
  @Override
  public Optional<ResourceAdmin> admin() {
    return Optional.empty();
  }

  @Override
  public <T> Future<T> blocking(Callable<T> work) {
    return apiWorkers.executeBlocking(work, false);
  }

  /** The store, for tests and benchmarks that look at what the controller sees. */
  public KubernetesStore store() {
    return store;
  }

  /** The reconcilers' loop, for tests that run a pass and look at what it wrote. */
  public ControllerLoop loop() {
    return loop;
  }

  KubernetesPods pods() {
    return pods;
  }

  /** What {@link #create} has made so far, to close when a later step fails. */
  private static final class Builder {
    Vertx vertx;
    KubernetesClient client;
    String namespace;
    String identity;
    boolean electLeader;
    KubernetesStore store;
    KubernetesPods pods;
    TemplateNetworkPolicies networkPolicies;
    ControllerLoop loop;
    SandboxService sandboxes;
    PoliciesInForce policies;
    AgentSandboxMetrics metrics;
    WorkerExecutor apiWorkers;

    void close() {
      if (networkPolicies != null) {
        networkPolicies.close();
      }
      if (pods != null) {
        pods.close();
      }
      if (store != null) {
        store.close();
      }
      if (apiWorkers != null) {
        apiWorkers.close();
      }
    }
  }
}
