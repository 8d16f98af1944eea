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
import java.util.function.Function;

/**
 * A kubelet for tests of Kubernetes mode: each pod of the namespace becomes a real sandboxd process
 * listening on its own loopback address (127.0.1.N, port 7070) with the token from the pod's
 * Secret, and is reported Running and Ready with that address once sandboxd accepts connections.
 * The processes run on the host without isolation — this tests the gateway's way to a sandbox
 * (address, token, HTTP/2), not containment, which the gVisor suites cover. A pod may instead be
 * played by something else listening there (a sandboxd that misbehaves, say).
 */
final class LoopbackKubelet implements AutoCloseable {

  /** What listens for one pod on its address, until closed. */
  @FunctionalInterface
  interface PodSandboxd {
    AutoCloseable start(String ip, Path token, Path dir) throws IOException;
  }

  /** The real sandboxd, as a process of its own. */
  static final PodSandboxd REAL =
      (ip, token, dir) -> {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
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
        return sandboxd::destroyForcibly;
      };

  private final KubernetesClient client;
  private final String namespace;
  private final Path workDir;
  private final SharedIndexInformer<Pod> pods;
  private final Function<Pod, PodSandboxd> players;
  private final Map<String, AutoCloseable> running = new ConcurrentHashMap<>();
  private final AtomicInteger addresses = new AtomicInteger();
  // Starting a JVM takes a second: one pod at a time, off the informer's thread.
  private final ExecutorService starter = Executors.newSingleThreadExecutor();

  LoopbackKubelet(KubernetesClient client, String namespace, Path workDir) {
    this(client, namespace, workDir, pod -> REAL);
  }

  /** A kubelet whose pods are played by what {@code players} chooses for each. */
  LoopbackKubelet(
      KubernetesClient client, String namespace, Path workDir, Function<Pod, PodSandboxd> players) {
    this.client = client;
    this.namespace = namespace;
    this.workDir = workDir;
    this.players = players;
    this.pods = client.pods().inNamespace(namespace).inform(new Handler(), 0);
  }

  @Override
  public void close() {
    pods.close();
    starter.shutdownNow();
    running.values().forEach(LoopbackKubelet::stop);
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
      Path token = dir.resolve("token");
      Files.writeString(token, tokenOf(name));
      running.put(name, players.apply(pod).start(ip, token, dir));
      awaitListening(ip);
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

  private static void awaitListening(String ip) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(ip, SandboxdWiring.PORT), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("sandboxd on " + ip + " did not listen");
  }

  private static void stop(AutoCloseable sandboxd) {
    try {
      sandboxd.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop a pod's sandboxd", e);
    }
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
      AutoCloseable sandboxd = running.remove(pod.getMetadata().getName());
      if (sandboxd != null) {
        stop(sandboxd);
      }
    }
  }
}
