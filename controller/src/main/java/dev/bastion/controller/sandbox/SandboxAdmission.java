package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ClaimLifecycle;
import dev.bastion.controller.model.ClaimShutdownPolicy;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.ShutdownPolicy;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.reconcile.Timestamps;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a tenant's new sandbox must pass, whichever way it is asked for ({@code Sandboxes.Create},
 * MCP, or a Sandbox or claim applied through the resource API): the tenant's quota and the server's
 * lifetime rules. One class, so that no front end is a way around them.
 */
public final class SandboxAdmission {

  private final ResourceStore store;
  private final TenantNamespaces namespaces;
  private final EmbeddedOptions options;
  private final Clock clock;

  /** Creates under way per tenant, counted against its quota until they are in the store. */
  private final Map<String, Set<String>> reservations = new ConcurrentHashMap<>();

  public SandboxAdmission(
      ResourceStore store, TenantNamespaces namespaces, EmbeddedOptions options, Clock clock) {
    this.store = store;
    this.namespaces = namespaces;
    this.options = options;
    this.clock = clock;
  }

  /**
   * When a sandbox asked to live {@code timeoutSeconds} (0: the server's default) shuts down.
   *
   * @throws SandboxError INVALID_ARGUMENT beyond the server's maximum lifetime
   */
  public Instant shutdownFor(long timeoutSeconds) {
    if (timeoutSeconds < 0) {
      throw SandboxError.invalid("timeout_seconds must not be negative");
    }
    Duration lifetime =
        timeoutSeconds == 0 ? options.defaultLifetime() : Duration.ofSeconds(timeoutSeconds);
    if (lifetime.compareTo(options.maxLifetime()) > 0) {
      throw SandboxError.invalid(
          "timeout_seconds is more than the maximum of " + options.maxLifetime().toSeconds());
    }
    return clock.instant().plus(lifetime);
  }

  /**
   * Gives an applied Sandbox or claim the lifetime rules of {@link #shutdownFor}: one without a
   * shutdown time gets the default lifetime (and is deleted then, unless it says otherwise); one
   * asking to live past the maximum lifetime is refused. Other kinds are left as they are.
   *
   * @throws SandboxError INVALID_ARGUMENT naming the field
   */
  public void applyLifetime(HasMetadata object) {
    if (object instanceof Sandbox sandbox) {
      var spec = sandbox.getSpec();
      spec.setShutdownTime(checked("spec.shutdownTime", spec.getShutdownTime()));
      if (spec.getShutdownPolicy() == null) {
        spec.setShutdownPolicy(ShutdownPolicy.Delete);
      }
    } else if (object instanceof SandboxClaim claim) {
      ClaimLifecycle lifecycle = claim.getSpec().getLifecycle();
      if (lifecycle == null) {
        lifecycle = new ClaimLifecycle();
        claim.getSpec().setLifecycle(lifecycle);
      }
      lifecycle.setShutdownTime(
          checked("spec.lifecycle.shutdownTime", lifecycle.getShutdownTime()));
      if (lifecycle.getShutdownPolicy() == null) {
        lifecycle.setShutdownPolicy(ClaimShutdownPolicy.Delete);
      }
    }
  }

  private String checked(String field, String shutdownTime) {
    if (shutdownTime == null || shutdownTime.isEmpty()) {
      return clock.instant().plus(options.defaultLifetime()).toString();
    }
    Instant asked = Timestamps.parse(shutdownTime);
    Instant latest = clock.instant().plus(options.maxLifetime());
    if (asked != null && asked.isAfter(latest)) {
      throw SandboxError.invalid(
          field
              + " "
              + shutdownTime
              + " is later than this server's maximum lifetime of "
              + options.maxLifetime().toSeconds()
              + "s from now");
    }
    return shutdownTime;
  }

  /**
   * Runs {@code create} only while the tenant holds fewer sandboxes than its quota. The count and a
   * reservation are made under the tenant's lock; the write itself (an fsync) is not, so one
   * tenant's burst of creates is not serialised on the disk.
   *
   * @param policyMax a policy's bound on the tenant's sandboxes, besides the server's own
   * @param name the name of the Sandbox or claim {@code create} writes
   */
  public <T> T withinQuota(
      String tenant, Optional<PolicyLimits.Bound> policyMax, String name, Callable<T> create) {
    Set<String> reserved = reservations.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet());
    String namespace = namespaces.of(tenant);
    synchronized (reserved) {
      // A set, so an object both reserved and already stored is counted once. Claims count until
      // served; the sandboxes serving them carry the claim label.
      Set<String> held = new HashSet<>(reserved);
      held.addAll(
          store.names(
              SandboxClaim.class,
              namespace,
              labels -> tenant.equals(labels.get(AgentLabels.TENANT))));
      held.addAll(
          store.names(
              Sandbox.class,
              namespace,
              labels ->
                  tenant.equals(labels.get(AgentLabels.TENANT))
                      && !labels.containsKey(AgentLabels.CLAIM)));
      long max = options.maxSandboxesPerTenant();
      String limit = Long.toString(max);
      if (policyMax.isPresent() && policyMax.get().value() < max) {
        max = policyMax.get().value();
        limit = policyMax.get().describe();
      }
      if (held.size() >= max) {
        throw new SandboxError(
            SandboxError.Kind.RESOURCE_EXHAUSTED,
            "sandbox quota reached: "
                + held.size()
                + " in use of "
                + limit
                + "; delete some first");
      }
      reserved.add(name);
    }
    try {
      return create.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      reserved.remove(name);
    }
  }
}
