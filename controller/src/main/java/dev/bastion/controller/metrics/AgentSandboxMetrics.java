package dev.bastion.controller.metrics;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.reconcile.LifecycleMetrics;
import dev.bastion.controller.sandbox.SandboxPhase;
import dev.bastion.controller.sandbox.SandboxViews;
import dev.bastion.controller.store.ResourceStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics the upstream Agent Sandbox controller exposes, under the same names so existing
 * dashboards work: claim startup latency and sandbox creation latency in milliseconds, claims made,
 * and sandboxes by readiness.
 */
public final class AgentSandboxMetrics implements LifecycleMetrics {

  private static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final TenantNamespaces namespaces;
  private final MultiGauge sandboxes;
  private final MultiGauge phases;
  private final MultiGauge warmPools;

  /**
   * @param namespaces where tenants' objects are: in embedded mode a tenant's namespace is named
   *     like the tenant, and /metrics names no tenant, so every series there carries the shared
   *     namespace instead
   */
  public AgentSandboxMetrics(MeterRegistry registry, TenantNamespaces namespaces) {
    this.registry = registry;
    this.namespaces = namespaces;
    this.sandboxes =
        MultiGauge.builder("agent_sandboxes")
            .description("Sandboxes by Ready condition, launch type and template")
            .register(registry);
    this.phases =
        MultiGauge.builder("bastion_sandboxes")
            .description("Sandboxes by phase")
            .register(registry);
    this.warmPools =
        MultiGauge.builder("bastion_warm_pool_ready")
            .description("Ready sandboxes waiting in each warm pool to be claimed")
            .register(registry);
  }

  @Override
  public void claimed(SandboxClaim claim, String template, String launchType) {
    Counter.builder("agent_sandbox_claim_creation_total")
        .description("Claims that got a sandbox")
        .tags(
            Tags.of(
                "namespace",
                namespaceOf(claim),
                "launch_type",
                launchType,
                "sandbox_template",
                template))
        .register(registry)
        .increment();
  }

  @Override
  public void ready(SandboxClaim claim, Sandbox sandbox, Instant now) {
    long millis =
        Duration.between(Instant.parse(claim.getMetadata().getCreationTimestamp()), now).toMillis();
    DistributionSummary.builder("agent_sandbox_claim_startup_latency_ms")
        .description("From a claim's creation to its sandbox being Ready, in milliseconds")
        .baseUnit("ms")
        .publishPercentileHistogram()
        .tags(Tags.of("launch_type", launchType(sandbox), "sandbox_template", template(sandbox)))
        .register(registry)
        .record(millis);
  }

  @Override
  public void sandboxReady(Sandbox sandbox, Instant now) {
    long millis =
        Duration.between(Instant.parse(sandbox.getMetadata().getCreationTimestamp()), now)
            .toMillis();
    DistributionSummary.builder("agent_sandbox_creation_latency_ms")
        .description("From a Sandbox's creation to its first Ready, in milliseconds")
        .baseUnit("ms")
        .publishPercentileHistogram()
        .tags(
            Tags.of(
                "namespace", namespaceOf(sandbox),
                "launch_type", launchType(sandbox),
                "sandbox_template", template(sandbox)))
        .register(registry)
        .record(millis);
  }

  /**
   * Recounts {@code agent_sandboxes}, {@code bastion_sandboxes} and {@code bastion_warm_pool_ready}
   * from the store; called periodically.
   */
  public void refresh(ResourceStore store) {
    Map<Tags, Integer> counts = new HashMap<>();
    Map<String, Integer> readyInPool = new HashMap<>();
    for (SandboxWarmPool pool : store.listAll(SandboxWarmPool.class)) {
      readyInPool.put(pool.getMetadata().getName(), 0);
    }
    Map<SandboxPhase, Integer> byPhase = new EnumMap<>(SandboxPhase.class);
    for (SandboxPhase phase : SandboxPhase.values()) {
      byPhase.put(phase, 0);
    }
    for (Sandbox sandbox : store.listAll(Sandbox.class)) {
      byPhase.merge(SandboxViews.phase(sandbox), 1, Integer::sum);
      String pool = poolOf(sandbox);
      if (pool != null && SandboxConditions.isReady(sandbox)) {
        readyInPool.merge(pool, 1, Integer::sum);
      }
      Tags tags =
          Tags.of(
              "namespace", namespaceOf(sandbox),
              "ready_condition", SandboxConditions.isReady(sandbox) ? "true" : "false",
              "launch_type", launchType(sandbox),
              "sandbox_template", template(sandbox));
      counts.merge(tags, 1, Integer::sum);
    }
    List<MultiGauge.Row<?>> rows =
        counts.entrySet().stream()
            .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(), e.getValue()))
            .toList();
    sandboxes.register(rows, true);
    phases.register(
        byPhase.entrySet().stream()
            .<MultiGauge.Row<?>>map(
                e -> MultiGauge.Row.of(Tags.of("phase", e.getKey().name()), e.getValue()))
            .toList(),
        true);
    warmPools.register(
        readyInPool.entrySet().stream()
            .<MultiGauge.Row<?>>map(
                e -> MultiGauge.Row.of(Tags.of("pool", e.getKey()), e.getValue()))
            .toList(),
        true);
  }

  /** The warm pool {@code sandbox} waits in, unclaimed; null when it is not a pool member. */
  private static String poolOf(Sandbox sandbox) {
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    return labels == null ? null : labels.get(AgentLabels.WARM_POOL);
  }

  /** "warm" or "cold" once serving; pool members waiting to be claimed are "pool". */
  private static String launchType(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    if (annotations != null && annotations.containsKey(AgentLabels.LAUNCH_TYPE)) {
      return annotations.get(AgentLabels.LAUNCH_TYPE);
    }
    return labels != null && labels.containsKey(AgentLabels.WARM_POOL) ? "pool" : "cold";
  }

  private static String template(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    return annotations == null ? UNKNOWN : annotations.getOrDefault(AgentLabels.TEMPLATE, UNKNOWN);
  }

  private String namespaceOf(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return namespaces.perTenant() ? namespaces.shared() : object.getMetadata().getNamespace();
  }
}
