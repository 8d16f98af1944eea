package dev.bastion.controller.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a kubelet does for the tests: every new pod of a namespace is reported Running and Ready
 * with an address, unless paused (then new pods stay Pending, as unschedulable ones would).
 */
public final class FakeKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> pods;
  private final AtomicInteger addresses = new AtomicInteger();
  private volatile boolean paused;

  public FakeKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.pods = client.pods().inNamespace(namespace).inform(new Starter(), 0);
  }

  /** New pods stay Pending until {@link #resume}. */
  public void pause() {
    paused = true;
  }

  /** Starts the pods that waited, and new ones again. */
  public void resume() {
    paused = false;
    pods.getStore().list().forEach(this::start);
  }

  @Override
  public void close() {
    pods.close();
    client.close();
  }

  private void start(Pod pod) {
    if (paused
        || pod.getMetadata().getDeletionTimestamp() != null
        || (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()))) {
      return;
    }
    String ip = "10.1." + (addresses.incrementAndGet() / 250) + "." + (addresses.get() % 250 + 1);
    Pod running =
        new PodBuilder(pod)
            .editSpec()
            .withNodeName("node-1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(ip)
            .withPodIPs(new PodIP(ip))
            .withConditions(
                new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                new PodConditionBuilder().withType("Ready").withStatus("True").build())
            .endStatus()
            .build();
    try {
      client.resource(running).updateStatus();
    } catch (KubernetesClientException changedOrGone) {
      // A newer version comes with its own event; a deleted pod needs nothing.
    }
  }

  private final class Starter implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      start(pod);
    }

    @Override
    public void onUpdate(Pod before, Pod after) {
      start(after);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {}
  }
}
