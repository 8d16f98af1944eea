package dev.bastion.controller.kubernetes;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.reconcile.Reconciler;
import dev.bastion.controller.reconcile.Requeue;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Keeps one managed NetworkPolicy per SandboxTemplate (none when the template says Unmanaged):
 * created when missing, rewritten when it drifted from what the template asks, removed with the
 * template. Writes only when something differs.
 */
public final class TemplateNetworkPolicies implements Reconciler, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TemplateNetworkPolicies.class.getName());

  private final KubernetesClient client;
  private final ResourceStore store;
  private final GatewayPeer gateway;
  private final SharedIndexInformer<NetworkPolicy> policies;

  private TemplateNetworkPolicies(
      KubernetesClient client,
      ResourceStore store,
      GatewayPeer gateway,
      SharedIndexInformer<NetworkPolicy> policies) {
    this.client = client;
    this.store = store;
    this.gateway = gateway;
    this.policies = policies;
  }

  /**
   * Watches the NetworkPolicies of {@code namespace}; a change to one a template owns wakes the
   * template (so a policy deleted by hand comes back). Blocks until the cache is filled.
   */
  public static TemplateNetworkPolicies start(
      KubernetesClient client,
      String namespace,
      ResourceStore store,
      GatewayPeer gateway,
      Consumer<ObjectKey> templateChanged,
      Duration timeout) {
    SharedIndexInformer<NetworkPolicy> policies =
        client.network().v1().networkPolicies().inNamespace(namespace).runnableInformer(0);
    policies.addEventHandler(new TemplateWaker(templateChanged));
    Informers.startAll(
        "the network policies in namespace " + namespace, timeout, List.of(policies));
    return new TemplateNetworkPolicies(client, store, gateway, policies);
  }

  @Override
  public String kind() {
    return "SandboxTemplate";
  }

  @Override
  public Requeue reconcile(String namespace, String name) {
    Optional<NetworkPolicy> desired;
    try {
      desired =
          store
              .get(SandboxTemplate.class, namespace, name)
              .flatMap(template -> TemplateNetworkPolicyBuilder.build(template, gateway));
    } catch (IllegalArgumentException unselectable) {
      // A name too long for a label, or an ipBlock that is no CIDR: its pods keep only the base
      // policy (the gateway in, nothing out).
      LOG.warning("SandboxTemplate " + name + " gets no managed NetworkPolicy: " + unselectable);
      desired = Optional.empty();
    }
    List<NetworkPolicy> owned =
        policies.getStore().list().stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> isOwnedByTemplate(p, name))
            .toList();
    for (NetworkPolicy stale : owned) {
      boolean keep =
          desired.isPresent()
              && stale.getMetadata().getName().equals(desired.get().getMetadata().getName());
      if (!keep) {
        ApiCalls.ignoreNotFound(() -> client.resource(stale).delete());
      }
    }
    desired.ifPresent(policy -> apply(policy, cached(namespace, policy)));
    return Requeue.never();
  }

  @Override
  public void close() {
    policies.close();
  }

  private void apply(NetworkPolicy desired, NetworkPolicy existing) {
    if (existing == null) {
      // A conflict: it exists after all (the cache is behind); its event brings a comparison.
      ApiCalls.ignoreConflict(() -> client.resource(desired).create());
      return;
    }
    if (sameJson(existing.getSpec(), desired.getSpec())
        && Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && Objects.equals(
            existing.getMetadata().getOwnerReferences(),
            desired.getMetadata().getOwnerReferences())) {
      return;
    }
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    // A conflict: it changed again meanwhile, and that change's event brings another pass.
    ApiCalls.ignoreConflict(() -> client.resource(desired).update());
  }

  private NetworkPolicy cached(String namespace, NetworkPolicy desired) {
    return policies.getStore().getByKey(namespace + "/" + desired.getMetadata().getName());
  }

  private static boolean isOwnedByTemplate(NetworkPolicy policy, String template) {
    return Owners.controllerOf(policy)
        .filter(ref -> "SandboxTemplate".equals(ref.getKind()) && template.equals(ref.getName()))
        .isPresent();
  }

  private static boolean sameJson(Object a, Object b) {
    return ModelSerialization.toJson(a).equals(ModelSerialization.toJson(b));
  }

  /** Wakes the template that owns a changed NetworkPolicy. */
  private record TemplateWaker(Consumer<ObjectKey> templateChanged)
      implements ResourceEventHandler<NetworkPolicy> {

    @Override
    public void onAdd(NetworkPolicy policy) {
      wake(policy);
    }

    @Override
    public void onUpdate(NetworkPolicy before, NetworkPolicy after) {
      wake(after);
    }

    @Override
    public void onDelete(NetworkPolicy policy, boolean finalStateUnknown) {
      wake(policy);
    }

    private void wake(NetworkPolicy policy) {
      Owners.controllerOf(policy)
          .filter(ref -> "SandboxTemplate".equals(ref.getKind()))
          .ifPresent(
              ref ->
                  templateChanged.accept(
                      new ObjectKey(
                          "SandboxTemplate", policy.getMetadata().getNamespace(), ref.getName())));
    }
  }
}
