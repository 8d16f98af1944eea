package dev.bastion.controller.sandbox;

import dev.bastion.controller.desired.SandboxBlueprint;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ClaimEnvVar;
import dev.bastion.controller.model.ClaimLifecycle;
import dev.bastion.controller.model.ClaimShutdownPolicy;
import dev.bastion.controller.model.LocalObjectReference;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxClaimSpec;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.ShutdownPolicy;
import dev.bastion.controller.model.TemplateMetadata;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * New sandboxes, as desired state within the tenant's quota: a Sandbox from a template, or a
 * SandboxClaim on a warm pool, then the wait for the controller to make it READY.
 */
final class SandboxCreation {

  private final WorkerExecutor worker;
  private final ResourceStore store;
  private final TenantNamespaces namespaces;
  private final SandboxAdmission admission;
  private final SandboxReadiness readiness;
  private final SandboxSnapshots snapshots;

  SandboxCreation(
      WorkerExecutor worker,
      ResourceStore store,
      TenantNamespaces namespaces,
      SandboxAdmission admission,
      SandboxReadiness readiness,
      SandboxSnapshots snapshots) {
    this.snapshots = snapshots;
    this.worker = worker;
    this.store = store;
    this.namespaces = namespaces;
    this.admission = admission;
    this.readiness = readiness;
  }

  /**
   * Creates a sandbox — cold from a template, or by claiming from a warm pool — and completes when
   * it is READY, or fails with the reason it cannot be.
   *
   * @param maxSandboxes a policy's bound on the tenant's sandboxes, besides the server's own
   */
  Future<SandboxView> create(CreateRequest request, Optional<PolicyLimits.Bound> maxSandboxes) {
    Instant shutdown;
    try {
      shutdown = admission.shutdownFor(request.timeoutSeconds());
    } catch (SandboxError e) {
      return Future.failedFuture(e);
    }
    if (!request.template().isEmpty()) {
      return worker
          .executeBlocking(() -> createFromTemplate(request, shutdown, maxSandboxes), false)
          .compose(name -> readiness.awaitReady(namespaces.of(request.tenant()), name));
    }
    if (!request.snapshot().isEmpty()) {
      return worker
          .executeBlocking(() -> createFromSnapshot(request, shutdown, maxSandboxes), false)
          .compose(name -> readiness.awaitReady(namespaces.of(request.tenant()), name));
    }
    return worker
        .executeBlocking(() -> createClaim(request, shutdown, maxSandboxes), false)
        .compose(readiness::awaitClaimed)
        .compose(key -> readiness.awaitReady(key.namespace(), key.name()));
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

  /**
   * A Sandbox with the spec of the one the snapshot was taken of, marked (with an annotation only
   * the controller may write) to restore the snapshot on its first start.
   */
  private String createFromSnapshot(
      CreateRequest request, Instant shutdown, Optional<PolicyLimits.Bound> maxSandboxes) {
    SnapshotView snapshot = snapshots.owned(request.tenant(), request.snapshot());
    Sandbox sandbox = new Sandbox();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(newId());
    meta.setNamespace(namespaces.of(request.tenant()));
    meta.setLabels(new HashMap<>(request.labels()));
    meta.getLabels().put(AgentLabels.TENANT, request.tenant());
    meta.setAnnotations(
        new HashMap<>(
            Map.of(
                AgentLabels.TEMPLATE, snapshot.template(),
                AgentLabels.FROM_SNAPSHOT, snapshot.id())));
    sandbox.setMetadata(meta);
    sandbox.setSpec(snapshots.store().specOf(snapshot));
    sandbox.getSpec().setOperatingMode(null);
    sandbox.getSpec().setShutdownTime(shutdown.toString());
    sandbox.getSpec().setShutdownPolicy(ShutdownPolicy.Delete);
    admission.withinQuota(
        request.tenant(), maxSandboxes, meta.getName(), () -> store.create(sandbox));
    return meta.getName();
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

  private static List<EnvVar> withEnv(List<EnvVar> base, Map<String, String> extra) {
    Map<String, EnvVar> merged = new LinkedHashMap<>();
    if (base != null) {
      base.forEach(v -> merged.put(v.getName(), v));
    }
    extra.forEach((name, value) -> merged.put(name, new EnvVar(name, value, null)));
    return new ArrayList<>(merged.values());
  }

  private static String newId() {
    return RandomIds.next("sbx-");
  }
}
