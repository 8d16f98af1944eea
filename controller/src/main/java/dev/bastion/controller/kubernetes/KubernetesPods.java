package dev.bastion.controller.kubernetes;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.reconcile.PodObservation;
import dev.bastion.controller.reconcile.PodStartException;
import dev.bastion.controller.reconcile.SandboxPods;
import dev.bastion.controller.reconcile.ServiceAddress;
import dev.bastion.controller.sandbox.SandboxHosts;
import dev.bastion.controller.sandbox.SandboxdAddress;
import dev.bastion.controller.sandbox.SandboxdTokens;
import dev.bastion.controller.store.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sandboxes as Pods: each Sandbox gets a Pod of its name (with its PVCs, the Secret holding its
 * sandboxd token, and a headless Service when it asks for one), all owned by the Sandbox so the
 * garbage collector removes them with it. Pods and Services are observed through informers; a pod's
 * change wakes its Sandbox. Calls that write block: reconcilers call them on workers.
 */
public final class KubernetesPods implements SandboxPods, SandboxHosts, AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final SandboxdTokens tokens;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Service> services;

  private KubernetesPods(
      KubernetesClient client,
      String namespace,
      SandboxdTokens tokens,
      SharedIndexInformer<Pod> pods,
      SharedIndexInformer<Service> services) {
    this.client = client;
    this.namespace = namespace;
    this.tokens = tokens;
    this.pods = pods;
    this.services = services;
  }

  /**
   * Watches the sandbox pods and Services of {@code namespace} (those with the name-hash label) and
   * returns once both caches are filled. Blocks.
   *
   * @param sandboxChanged told the Sandbox whose pod or Service changed
   */
  public static KubernetesPods start(
      KubernetesClient client,
      String namespace,
      SandboxdTokens tokens,
      Consumer<ObjectKey> sandboxChanged,
      Duration timeout) {
    SharedIndexInformer<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(AgentLabels.SANDBOX_NAME_HASH)
            .runnableInformer(0);
    SharedIndexInformer<Service> services =
        client
            .services()
            .inNamespace(namespace)
            .withLabel(AgentLabels.SANDBOX_NAME_HASH)
            .runnableInformer(0);
    pods.addEventHandler(new OwnerWaker<>(sandboxChanged));
    services.addEventHandler(new OwnerWaker<>(sandboxChanged));
    Informers.startAll(
        "the sandbox pods and services in namespace " + namespace,
        timeout,
        List.of(pods, services));
    return new KubernetesPods(client, namespace, tokens, pods, services);
  }

  // ------------------------------------------------------------------ SandboxPods

  @Override
  public PodObservation observe(Sandbox sandbox) {
    Pod pod = cachedPod(sandbox.getMetadata().getName());
    if (pod == null || isAdoptable(pod)) {
      return PodObservation.absent(); // an adoptable pod is taken over by start()
    }
    if (!Owners.isControlledBy(pod, sandbox)) {
      return new PodObservation(
          PodObservation.PodState.FAILED,
          "a pod named "
              + pod.getMetadata().getName()
              + " exists that this Sandbox does not own; delete it or label it "
              + AgentLabels.ADOPTABLE
              + "=true",
          List.of(),
          null,
          PodObservations.scheduling(pod));
    }
    return PodObservations.of(pod);
  }

  @Override
  public void start(Sandbox sandbox) {
    String token = tokens.of(sandbox);
    createIfAbsent(SandboxdSecretBuilder.build(sandbox, token));
    SandboxVolumeClaims.build(sandbox).forEach(this::createIfAbsent);
    Pod desired = SandboxPodBuilder.build(sandbox);
    Pod existing = cachedPod(sandbox.getMetadata().getName());
    if (existing != null && isAdoptable(existing)) {
      adopt(existing, desired);
      return;
    }
    createIfAbsent(desired);
  }

  @Override
  public void stop(String namespace, String name) {
    Pod pod = cachedPod(name);
    if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
      ApiCalls.ignoreNotFound(() -> client.resource(pod).delete());
    }
  }

  /**
   * Deletes the pod at once so the sandbox stops now; its Service, Secret and PVCs follow by
   * garbage collection, as they are owned by the Sandbox that is gone.
   */
  @Override
  public void remove(String namespace, String name) {
    stop(namespace, name);
  }

  @Override
  public Optional<ServiceAddress> syncService(Sandbox sandbox, boolean wanted) {
    String name = sandbox.getMetadata().getName();
    Service existing = services.getStore().getByKey(namespace + "/" + name);
    boolean ours = existing != null && Owners.isControlledBy(existing, sandbox);
    if (wanted && existing == null) {
      createIfAbsent(SandboxServiceBuilder.build(sandbox));
    } else if (!wanted && ours) {
      ApiCalls.ignoreNotFound(() -> client.resource(existing).delete());
      return Optional.empty();
    }
    return wanted
        ? Optional.of(new ServiceAddress(name, SandboxServiceBuilder.fqdn(name, namespace)))
        : Optional.empty();
  }

  // ------------------------------------------------------------------ SandboxHosts

  @Override
  public String runtimeOf(Sandbox sandbox) {
    String runtimeClass = sandbox.getSpec().getPodTemplate().getSpec().getRuntimeClassName();
    return runtimeClass == null ? "runc" : runtimeClass;
  }

  @Override
  public SandboxdAddress sandboxd(Sandbox sandbox) {
    Pod pod = cachedPod(sandbox.getMetadata().getName());
    String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null) {
      throw new IllegalStateException(
          "sandbox " + sandbox.getMetadata().getName() + " has no pod address yet");
    }
    return new SandboxdAddress.Tcp(ip, SandboxdWiring.PORT, tokens.of(sandbox));
  }

  @Override
  public void forgetObservations() {
    // Informers are told of every change by the API server; there is nothing to forget.
  }

  @Override
  public void close() {
    pods.close();
    services.close();
  }

  // ------------------------------------------------------------------ helpers

  private Pod cachedPod(String name) {
    return pods.getStore().getByKey(namespace + "/" + name);
  }

  /** An orphan pod someone marked for adoption (upstream's rule: no controller, the label). */
  private static boolean isAdoptable(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return Owners.controllerOf(pod).isEmpty()
        && labels != null
        && "true".equals(labels.get(AgentLabels.ADOPTABLE));
  }

  /** Makes the Sandbox the pod's controller, keeping the running pod (its spec is immutable). */
  private void adopt(Pod existing, Pod desired) {
    List<OwnerReference> owners =
        new ArrayList<>(
            existing.getMetadata().getOwnerReferences() == null
                ? List.of()
                : existing.getMetadata().getOwnerReferences());
    owners.addAll(desired.getMetadata().getOwnerReferences());
    Pod adopted = client.getKubernetesSerialization().clone(existing);
    adopted.getMetadata().setOwnerReferences(owners);
    adopted.getMetadata().getLabels().putAll(desired.getMetadata().getLabels());
    adopted.getMetadata().getLabels().remove(AgentLabels.ADOPTABLE);
    try {
      client.resource(adopted).update();
    } catch (KubernetesClientException e) {
      throw refusal(existing, e);
    }
  }

  private void createIfAbsent(HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw refusal(object, e);
      }
      // Already there: made by an earlier pass whose event the cache has not shown yet.
    }
  }

  /**
   * The API server's refusal as a reason for the Sandbox's status. Its message names the field (an
   * invalid pod spec, a quota), which is the user's to fix; outages stay exceptions for a retry.
   */
  private static RuntimeException refusal(HasMetadata object, KubernetesClientException e) {
    int code = e.getCode();
    if (code == 422 || code == HttpURLConnection.HTTP_FORBIDDEN || code == 400) {
      String reason = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
      return new PodStartException(
          "cannot create "
              + object.getKind()
              + " "
              + object.getMetadata().getName()
              + ": "
              + reason);
    }
    return e;
  }

  /** Wakes the Sandbox that controls a changed pod or Service. */
  private static final class OwnerWaker<T extends HasMetadata> implements ResourceEventHandler<T> {

    private final Consumer<ObjectKey> sandboxChanged;

    OwnerWaker(Consumer<ObjectKey> sandboxChanged) {
      this.sandboxChanged = sandboxChanged;
    }

    @Override
    public void onAdd(T object) {
      wake(object);
    }

    @Override
    public void onUpdate(T before, T after) {
      wake(after);
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      wake(object);
    }

    private void wake(T object) {
      // By name, not by owner: an unowned (or adoptable) pod also concerns the Sandbox of its name.
      sandboxChanged.accept(
          new ObjectKey(
              "Sandbox", object.getMetadata().getNamespace(), object.getMetadata().getName()));
    }
  }
}
