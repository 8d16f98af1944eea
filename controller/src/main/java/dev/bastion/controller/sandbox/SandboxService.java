package dev.bastion.controller.sandbox;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.desired.SandboxBlueprint;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ClaimEnvVar;
import dev.bastion.controller.model.ClaimLifecycle;
import dev.bastion.controller.model.ClaimShutdownPolicy;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.LocalObjectReference;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.OperatingMode;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxClaimSpec;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.ShutdownPolicy;
import dev.bastion.controller.model.TemplateMetadata;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.reconcile.Timestamps;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.Retries;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The agent-facing side of sandboxes: what the gRPC Sandboxes service (and later MCP and the web
 * console) call. It writes the desired state — a Sandbox from a template, or a SandboxClaim on a
 * warm pool — and waits for the controller to make it so; it never starts or stops anything itself.
 * Every lookup is confined to the caller's tenant: another tenant's sandbox is NOT_FOUND.
 */
public final class SandboxService {

  /**
   * The namespace of embedded mode's shared objects: templates, warm pools, policies and the pools'
   * members. Each tenant's Sandboxes and claims are in a namespace of their own (see {@link
   * TenantNamespaces}).
   */
  public static final String DEFAULT_NAMESPACE = "default";

  private static final Duration VERDICT_RETRY = Duration.ofMillis(200);
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final ResourceStore store;
  private final ControllerLoop loop;
  private final ObjectWaiter waiter;
  private final SandboxHosts hosts;
  private final TenantNamespaces namespaces;
  private final EmbeddedOptions options;
  private final SecureRandom random = new SecureRandom();

  private final SandboxAdmission admission;

  public SandboxService(
      Vertx vertx,
      WorkerExecutor worker,
      ResourceStore store,
      ControllerLoop loop,
      SandboxHosts hosts,
      TenantNamespaces namespaces,
      EmbeddedOptions options,
      Clock clock) {
    this.vertx = vertx;
    this.worker = worker;
    this.store = store;
    this.loop = loop;
    this.waiter = new ObjectWaiter(vertx, store);
    this.hosts = hosts;
    this.namespaces = namespaces;
    this.options = options;
    this.admission = new SandboxAdmission(store, namespaces, options, clock);
  }

  /** The quota and lifetime rules every new sandbox of this service passes. */
  public SandboxAdmission admission() {
    return admission;
  }

  // ---------------------------------------------------------------- queries

  /** The caller's sandbox {@code id}; another tenant's sandbox is NOT_FOUND. */
  public SandboxView get(String tenant, String id) {
    // Read in place: every Run and Exec asks, and a copy of the Sandbox each time is waste.
    return locate(tenant, id, this::view).orElseThrow(() -> SandboxError.notFound(id));
  }

  /** The caller's sandboxes matching {@code selector}, oldest first. */
  public List<SandboxView> list(String tenant, LabelSelector selector) {
    return namespaces.searchedFor(tenant).stream()
        .flatMap(
            namespace ->
                store.list(Sandbox.class, namespace, Map.of(AgentLabels.TENANT, tenant)).stream())
        .map(this::view)
        .filter(v -> v.phase() != SandboxPhase.TERMINATED && selector.matches(v.labels()))
        .sorted(java.util.Comparator.comparing(SandboxView::createdAt))
        .toList();
  }

  /** How many sandboxes, of every tenant, are in {@code phase}. */
  public long count(SandboxPhase phase) {
    return store.listAll(Sandbox.class).stream()
        .filter(s -> SandboxViews.phase(s) == phase)
        .count();
  }

  /**
   * Where the sandbox's sandboxd answers; {@code view} is the caller's ({@link #get}) and must be
   * READY, any other phase is a FAILED_PRECONDITION saying what to do.
   */
  public SandboxdAddress sandboxdOfReady(SandboxView view) {
    String id = view.id();
    return switch (view.phase()) {
      case READY ->
          store
              .read(Sandbox.class, view.namespace(), id, hosts::sandboxd)
              .orElseThrow(() -> SandboxError.notFound(id));
      case SUSPENDED -> throw precondition("sandbox " + id + " is suspended: resume it first");
      case FAILED ->
          throw precondition("sandbox " + id + " has failed (" + view.message() + "): delete it");
      case PENDING, TERMINATED -> throw precondition("sandbox " + id + " is not ready yet");
    };
  }

  // ---------------------------------------------------------------- commands

  /**
   * Creates a sandbox — cold from a template, or by claiming from a warm pool — and completes when
   * it is READY, or fails with the reason it cannot be.
   *
   * @param maxSandboxes a policy's bound on the tenant's sandboxes, besides the server's own
   */
  public Future<SandboxView> create(
      CreateRequest request, Optional<PolicyLimits.Bound> maxSandboxes) {
    Instant shutdown;
    try {
      shutdown = admission.shutdownFor(request.timeoutSeconds());
    } catch (SandboxError e) {
      return Future.failedFuture(e);
    }
    if (!request.template().isEmpty()) {
      return blocking(() -> createFromTemplate(request, shutdown, maxSandboxes))
          .compose(name -> awaitReady(namespaces.of(request.tenant()), name));
    }
    return blocking(() -> createClaim(request, shutdown, maxSandboxes))
        .compose(claim -> awaitClaimed(claim))
        .compose(key -> awaitReady(key.namespace(), key.name()));
  }

  /**
   * The template a create request would use: its own, or its warm pool's; empty when the pool does
   * not exist (the create itself then says so).
   */
  public String templateOf(CreateRequest request) {
    return request.template().isEmpty() ? templateOfPool(request.warmPool()) : request.template();
  }

  /** The template warm pool {@code pool} builds its members from; empty when it does not exist. */
  public String templateOfPool(String pool) {
    return store
        .read(
            SandboxWarmPool.class,
            namespaces.shared(),
            pool,
            found -> found.getSpec().getSandboxTemplateRef().getName())
        .orElse("");
  }

  private String createFromTemplate(
      CreateRequest request, Instant shutdown, Optional<PolicyLimits.Bound> maxSandboxes) {
    SandboxTemplate template =
        store
            .get(SandboxTemplate.class, namespaces.shared(), request.template())
            .orElseThrow(
                () ->
                    SandboxError.invalid(
                        "unknown template '" + Labels.abbreviate(request.template()) + "'"));
    Sandbox sandbox =
        SandboxBlueprint.fromTemplate(template, namespaces.of(request.tenant()), newId());
    sandbox.getMetadata().getLabels().putAll(request.labels());
    sandbox.getMetadata().getLabels().put(AgentLabels.TENANT, request.tenant());
    sandbox.getSpec().setShutdownTime(shutdown.toString());
    sandbox.getSpec().setShutdownPolicy(ShutdownPolicy.Delete);
    for (Container container : sandbox.getSpec().getPodTemplate().getSpec().getContainers()) {
      container.setEnv(withEnv(container.getEnv(), request.env()));
    }
    admission.withinQuota(
        request.tenant(),
        maxSandboxes,
        sandbox.getMetadata().getName(),
        () -> store.create(sandbox));
    return sandbox.getMetadata().getName();
  }

  private SandboxClaim createClaim(
      CreateRequest request, Instant shutdown, Optional<PolicyLimits.Bound> maxSandboxes) {
    if (!store.exists(SandboxWarmPool.class, namespaces.shared(), request.warmPool())) {
      throw SandboxError.invalid(
          "unknown warm pool '" + Labels.abbreviate(request.warmPool()) + "'");
    }
    SandboxClaim claim = new SandboxClaim();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(newId());
    meta.setNamespace(namespaces.of(request.tenant()));
    meta.setLabels(Map.of(AgentLabels.TENANT, request.tenant()));
    claim.setMetadata(meta);
    SandboxClaimSpec spec = new SandboxClaimSpec();
    LocalObjectReference pool = new LocalObjectReference();
    pool.setName(request.warmPool());
    spec.setWarmPoolRef(pool);
    ClaimLifecycle lifecycle = new ClaimLifecycle();
    lifecycle.setShutdownTime(shutdown.toString());
    lifecycle.setShutdownPolicy(ClaimShutdownPolicy.Delete);
    spec.setLifecycle(lifecycle);
    TemplateMetadata extra = new TemplateMetadata();
    extra.setLabels(request.labels());
    spec.setAdditionalPodMetadata(extra);
    if (!request.env().isEmpty()) {
      List<ClaimEnvVar> env = new ArrayList<>();
      request
          .env()
          .forEach(
              (name, value) -> {
                ClaimEnvVar var = new ClaimEnvVar();
                var.setName(name);
                var.setValue(value);
                env.add(var);
              });
      spec.setEnv(env);
    }
    claim.setSpec(spec);
    return admission.withinQuota(
        request.tenant(), maxSandboxes, meta.getName(), () -> store.create(claim));
  }

  /**
   * Where the sandbox serving {@code claim} is, once it has one: in the claim's namespace when it
   * started cold, in the pools' when the claim took a pool member.
   */
  private Future<ObjectKey> awaitClaimed(SandboxClaim claim) {
    String name = claim.getMetadata().getName();
    String namespace = claim.getMetadata().getNamespace();
    return waiter.await(
        SandboxClaim.class,
        namespace,
        name,
        found -> {
          SandboxClaim current =
              found.orElseThrow(() -> unavailable("the claim was deleted while it was served"));
          if (current.getStatus() == null) {
            return Optional.empty();
          }
          if (current.getStatus().getSandbox() != null) {
            String sandbox = current.getStatus().getSandbox().getName();
            boolean cold =
                store
                    .read(
                        Sandbox.class,
                        namespace,
                        sandbox,
                        s -> Owners.isControlledBy(s, current) ? s : null)
                    .isPresent();
            return Optional.of(
                new ObjectKey("Sandbox", cold ? namespace : namespaces.shared(), sandbox));
          }
          Optional<Condition> ready =
              Conditions.find(current.getStatus().getConditions(), SandboxConditions.READY);
          if (ready.isPresent() && !"SandboxCreatePending".equals(ready.get().getReason())) {
            deleteQuietly(SandboxClaim.class, namespace, name);
            throw new SandboxError(SandboxError.Kind.INVALID_ARGUMENT, ready.get().getMessage());
          }
          return Optional.empty();
        },
        options.readyTimeout(),
        unavailable(
            "no sandbox was found for the claim within "
                + options.readyTimeout().toSeconds()
                + "s"));
  }

  /** Completes when sandbox {@code name} is READY; fails when it cannot become so. */
  private Future<SandboxView> awaitReady(String namespace, String name) {
    return waiter.await(
        Sandbox.class,
        namespace,
        name,
        found -> {
          Sandbox sandbox =
              found.orElseThrow(() -> unavailable("the sandbox was deleted while it started"));
          SandboxView view = view(sandbox);
          return switch (view.phase()) {
            case READY -> Optional.of(view);
            case FAILED, TERMINATED ->
                throw unavailable("sandbox failed to start: " + view.message());
            case PENDING, SUSPENDED -> Optional.empty();
          };
        },
        options.readyTimeout(),
        unavailable(
            "the sandbox did not become ready within " + options.readyTimeout().toSeconds() + "s"));
  }

  /**
   * Deletes the caller's sandbox, and the claim it serves if any (a claimed sandbox belongs to its
   * claim), and completes once its container and files are gone.
   */
  public Future<Void> delete(String tenant, String id) {
    return blocking(
            () -> {
              Sandbox sandbox = owned(tenant, id);
              servedClaim(tenant, sandbox)
                  .ifPresent(
                      claim ->
                          store.delete(SandboxClaim.class, namespaces.of(tenant), claim, null));
              String namespace = sandbox.getMetadata().getNamespace();
              store.delete(Sandbox.class, namespace, id, null);
              return new ObjectKey("Sandbox", namespace, id);
            })
        .compose(loop::reconcileNow);
  }

  /** Stops the container and keeps /workspace; completes once the container is gone. */
  public Future<SandboxView> suspend(String tenant, String id) {
    return setMode(tenant, id, OperatingMode.Suspended)
        .compose(
            namespace ->
                waiter.await(
                    Sandbox.class,
                    namespace,
                    id,
                    found -> {
                      Sandbox sandbox = found.orElseThrow(() -> SandboxError.notFound(id));
                      boolean stopped =
                          sandbox.getStatus() != null
                              && Conditions.isTrue(
                                  sandbox.getStatus().getConditions(), SandboxConditions.SUSPENDED);
                      return stopped ? Optional.of(view(sandbox)) : Optional.empty();
                    },
                    options.readyTimeout(),
                    unavailable(
                        "the sandbox did not stop within "
                            + options.readyTimeout().toSeconds()
                            + "s")));
  }

  /** Starts a fresh container with the same id, hostname and /workspace; completes when READY. */
  public Future<SandboxView> resume(String tenant, String id) {
    return setMode(tenant, id, OperatingMode.Running)
        .compose(namespace -> awaitReady(namespace, id));
  }

  /** Sets the mode of the caller's sandbox {@code id}; completes with the sandbox's namespace. */
  private Future<String> setMode(String tenant, String id, OperatingMode mode) {
    return blocking(
        () ->
            Retries.onConflict(
                () -> {
                  Sandbox sandbox = owned(tenant, id);
                  SandboxPhase phase = SandboxViews.phase(sandbox);
                  if (mode == OperatingMode.Suspended
                      && phase != SandboxPhase.READY
                      && phase != SandboxPhase.SUSPENDED) {
                    throw precondition(
                        "only a READY sandbox can be suspended; " + id + " is " + phase);
                  }
                  if (mode == OperatingMode.Running && phase == SandboxPhase.TERMINATED) {
                    throw precondition("sandbox " + id + " has expired and cannot be resumed");
                  }
                  sandbox.getSpec().setOperatingMode(mode);
                  store.update(sandbox);
                  return sandbox.getMetadata().getNamespace();
                }));
  }

  /**
   * Asks the runtime afresh whether sandbox {@code id} still runs, for when a connection to it just
   * broke: the runtime may notice the death a moment after the socket does, so a READY answer is
   * checked again a few times within {@code patience} before it is believed.
   */
  public Future<SandboxView> verifyAfterLoss(SandboxView sandbox, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    String namespace = sandbox.namespace();
    String id = sandbox.id();
    hosts.forgetObservations();
    return loop.reconcileNow(new ObjectKey("Sandbox", namespace, id))
        .compose(
            ignored ->
                blocking(() -> store.read(Sandbox.class, namespace, id, this::view).orElse(null)))
        .compose(
            view -> {
              if (view == null
                  || view.phase() != SandboxPhase.READY
                  || System.nanoTime() > deadline) {
                return Future.succeededFuture(view);
              }
              return vertx
                  .timer(VERDICT_RETRY.toMillis())
                  .compose(
                      ignored ->
                          verifyAfterLoss(sandbox, Duration.ofNanos(deadline - System.nanoTime())));
            });
  }

  /** Whether a FAILED sandbox's message says it ran out of memory. */
  public static boolean failedFromOutOfMemory(SandboxView view) {
    return view.phase() == SandboxPhase.FAILED && DeathReasons.isOutOfMemory(view.message());
  }

  // ---------------------------------------------------------------- helpers

  private Sandbox owned(String tenant, String id) {
    return locate(tenant, id, ModelSerialization::copy)
        .orElseThrow(() -> SandboxError.notFound(id));
  }

  /**
   * {@code reader}'s answer about the caller's sandbox {@code id}, read in place where it is: in
   * the tenant's namespace, or in the shared one when a claim of the tenant took a pool member.
   */
  private <R> Optional<R> locate(String tenant, String id, Function<Sandbox, R> reader) {
    for (String namespace : namespaces.searchedFor(tenant)) {
      Optional<R> found =
          store.read(
              Sandbox.class, namespace, id, s -> belongsTo(s, tenant) ? reader.apply(s) : null);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * The claim {@code sandbox} serves, judged only by what the controller recorded: the claim is the
   * tenant's, its status names this sandbox, and it controls the sandbox (owner reference by uid).
   * A label alone proves nothing, since it names a claim by a name any tenant could write.
   */
  private Optional<String> servedClaim(String tenant, Sandbox sandbox) {
    String name = sandbox.getMetadata().getLabels().get(AgentLabels.CLAIM);
    if (name == null) {
      return Optional.empty();
    }
    return store.read(
        SandboxClaim.class,
        namespaces.of(tenant),
        name,
        claim ->
            tenant.equals(claim.getMetadata().getLabels().get(AgentLabels.TENANT))
                    && claim.getStatus() != null
                    && claim.getStatus().getSandbox() != null
                    && sandbox
                        .getMetadata()
                        .getName()
                        .equals(claim.getStatus().getSandbox().getName())
                    && Owners.isControlledBy(sandbox, claim)
                ? name
                : null);
  }

  private static boolean belongsTo(Sandbox sandbox, String tenant) {
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    return labels != null && tenant.equals(labels.get(AgentLabels.TENANT));
  }

  private SandboxView view(Sandbox sandbox) {
    Instant claimShutdown = null;
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    String claim = labels == null ? null : labels.get(AgentLabels.CLAIM);
    if (claim != null) {
      claimShutdown =
          store
              .read(
                  SandboxClaim.class,
                  namespaces.of(labels.getOrDefault(AgentLabels.TENANT, "")),
                  claim,
                  c ->
                      c.getSpec().getLifecycle() == null
                          ? null
                          : Timestamps.parse(c.getSpec().getLifecycle().getShutdownTime()))
              .orElse(null);
    }
    return SandboxViews.of(sandbox, hosts.runtimeOf(sandbox), claimShutdown);
  }

  private static List<EnvVar> withEnv(List<EnvVar> base, Map<String, String> extra) {
    Map<String, EnvVar> merged = new java.util.LinkedHashMap<>();
    if (base != null) {
      base.forEach(v -> merged.put(v.getName(), v));
    }
    extra.forEach((name, value) -> merged.put(name, new EnvVar(name, value, null)));
    return new ArrayList<>(merged.values());
  }

  private <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> void deleteQuietly(
      Class<T> kind, String namespace, String name) {
    worker.executeBlocking(() -> store.delete(kind, namespace, name, null), false);
  }

  private String newId() {
    StringBuilder id = new StringBuilder("sbx-");
    for (int i = 0; i < 12; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  private static SandboxError precondition(String message) {
    return new SandboxError(SandboxError.Kind.FAILED_PRECONDITION, message);
  }

  private static SandboxError unavailable(String message) {
    return new SandboxError(SandboxError.Kind.UNAVAILABLE, message);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return worker.executeBlocking(work, false);
  }
}
