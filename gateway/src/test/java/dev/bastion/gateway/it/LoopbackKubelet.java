package dev.bastion.gateway.it;

import dev.bastion.controller.kubernetes.SandboxdWiring;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kubelet for tests of Kubernetes mode: each pod of the namespace becomes a real sandboxd process
 * listening on its own loopback address (127.0.1.N, port 7070) with the token from the pod's
 * Secret, and is reported Running and Ready with that address once sandboxd accepts connections.
 * The processes run on the host without isolation — this tests the gateway's way to a sandbox
 * (address, token, HTTP/2), not containment, which the gVisor suites cover.
 */
final class LoopbackKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Path workDir;
  private final SharedIndexInformer<Pod> pods;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final AtomicInteger addresses = new AtomicInteger();
  // Starting a JVM takes a second: one pod at a time, off the informer's thread.
  private final ExecutorService starter = Executors.newSingleThreadExecutor();

  LoopbackKubelet(KubernetesClient client, String namespace, Path workDir) {
    this.client = client;
    this.namespace = namespace;
    this.workDir = workDir;
    this.pods = client.pods().inNamespace(namespace).inform(new Handler(), 0);
  }

  /** How many sandboxd processes run now. */
  int processes() {
    return (int) running.values().stream().filter(Process::isAlive).count();
  }

  @Override
  public void close() {
    pods.close();
    starter.shutdownNow();
    running.values().forEach(Process::destroyForcibly);
    client.close();
  }

  private void start(Pod pod) {
    String name = pod.getMetadata().getName();
    if (running.containsKey(name) || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    try {
      String ip = "127.0.1." + addresses.incrementAndGet();
      Path dir = Files.createDirectories(workDir.resolve(name + "-" + ip));
      Path workspace = Files.createDirectories(dir.resolve("workspace"));
      Path token = dir.resolve("token");
      Files.writeString(token, tokenOf(name));
      Process sandboxd =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-Xmx64m",
                      "-jar",
                      SandboxHost.sandboxdJar().toString(),
                      "--listen",
                      ip + ":" + SandboxdWiring.PORT,
                      "--token-file",
                      token.toString(),
                      "--workspace",
                      workspace.toString()))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("sandboxd.log").toFile())
              .start();
      running.put(name, sandboxd);
      awaitListening(ip, sandboxd);
      client
          .resource(
              new PodBuilder(pod)
                  .withNewStatus()
                  .withPhase("Running")
                  .withPodIP(ip)
                  .withPodIPs(new PodIP(ip))
                  .withConditions(
                      new PodConditionBuilder().withType("Ready").withStatus("True").build())
                  .endStatus()
                  .build())
          .updateStatus();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The token the controller put in the pod's Secret (made before the pod). */
  private String tokenOf(String pod) {
    Secret secret =
        client.secrets().inNamespace(namespace).withName(SandboxdWiring.secretName(pod)).get();
    return new String(Base64.getDecoder().decode(secret.getData().get(SandboxdWiring.TOKEN_KEY)));
  }

  private static void awaitListening(String ip, Process sandboxd) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline && sandboxd.isAlive()) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(ip, SandboxdWiring.PORT), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("sandboxd on " + ip + " did not listen");
  }

  private final class Handler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      starter.execute(() -> start(pod));
    }

    @Override
    public void onUpdate(Pod before, Pod after) {}

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      Process sandboxd = running.remove(pod.getMetadata().getName());
      if (sandboxd != null) {
        sandboxd.destroyForcibly();
      }
    }
  }
}
