package dev.bastion.loadtest;

import dev.bastion.controller.kubernetes.ClusterFixtures;
import dev.bastion.controller.kubernetes.FakeKubelet;
import dev.bastion.controller.kubernetes.KubernetesController;
import dev.bastion.controller.kubernetes.MockCluster;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxWarmPool;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Kubernetes backend's claim path against fabric8's mock API server (CRUD mode, in this JVM): a
 * warm pool of {@code --pool} sandboxes, then bursts of {@code --claims} concurrent claims. It
 * reports claims reconciled per second (first claim created to last claim Ready, as a watcher sees
 * them), each claim's latency, and every API write the controller made during the burst by resource
 * — the claim path's writes (the adoption, the claim's status) per warm claim, and the pool's
 * replenishment apart. The mock server answers in microseconds and has no etcd behind it: the
 * throughput is the controller's, not a cluster's.
 *
 * <p>It lives in the test sources, beside the fixtures it needs, so that the product (which ships
 * this module's main classes for {@code bastion bench}) never holds them; docs/BENCHMARKS.md runs
 * it with Maven's profile {@code kubernetes-claims} and {@code -Dclaims.args="[--smoke] [--pool N]
 * [--claims N] [--bursts N] [--out FILE]"}.
 */
public final class KubernetesClaimBenchmark {

  private static final String NAMESPACE = "bench";
  private static final Duration PATIENCE = Duration.ofMinutes(5);
  private static final int CLIENT_THREADS = 16;

  private final MockCluster cluster;
  private final KubernetesClient api;

  /**
   * The burst under way, told by one watcher that lives as long as the benchmark: the mock server
   * blocks its only event loop for seconds when a watch closes, so none closes between bursts.
   */
  private final AtomicReference<ReadyWatcher> current = new AtomicReference<>();

  private KubernetesClaimBenchmark(MockCluster cluster, KubernetesClient api) {
    this.cluster = cluster;
    this.api = api;
  }

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (Exception e) {
      // The mock server's threads would keep the JVM alive: say what failed and exit.
      System.err.println("KubernetesClaimBenchmark: " + e);
      status = 1;
    }
    System.exit(status);
  }

  /** Runs it; returns 0, 1 on any error (never on a timing), 2 on a bad argument. */
  public static int run(String[] args) throws Exception {
    int pool = 200;
    int claims = 200;
    int bursts = 3;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          pool = 5;
          claims = 5;
          bursts = 1;
        }
        case "--pool" -> pool = Integer.parseInt(args[++i]);
        case "--claims" -> claims = Integer.parseInt(args[++i]);
        case "--bursts" -> bursts = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("KubernetesClaimBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    if (claims > pool) {
      System.err.println("KubernetesClaimBenchmark: --claims must not exceed --pool (all warm)");
      return 2;
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("server", "fabric8 kubernetes-server-mock 8.0.0, CRUD mode, generated CRDs")
            .put("controllers", 1)
            .put("pool", pool)
            .put("claims_per_burst", claims)
            .put("bursts", bursts));
    Vertx vertx = Vertx.vertx();
    // Closed in this order, server first: the mock server blocks its event loop (up to a minute)
    // when a client closes a watch while events for it are being sent.
    MockCluster cluster = new MockCluster();
    KubernetesClient api = cluster.client();
    FakeKubelet kubelet = new FakeKubelet(cluster.client(), NAMESPACE);
    KubernetesController controller = null;
    SharedIndexInformer<SandboxClaim> watcher = null;
    try {
      controller =
          KubernetesController.create(
              vertx,
              cluster.client(),
              NAMESPACE,
              new GatewayPeer(NAMESPACE, Map.of("app.kubernetes.io/name", "bastion")),
              "bench",
              false,
              new SimpleMeterRegistry(),
              Clock.systemUTC());
      controller.start().await(30, TimeUnit.SECONDS);
      KubernetesClaimBenchmark bench = new KubernetesClaimBenchmark(cluster, api);
      ClusterFixtures.apply(api, NAMESPACE, template());
      ClusterFixtures.apply(api, NAMESPACE, pool(pool));
      watcher = bench.watchClaims();
      JsonArray results = new JsonArray();
      for (int burst = 1; burst <= bursts; burst++) {
        bench.awaitReady(pool);
        results.add(bench.burst(burst, claims));
      }
      report.put("bursts", results);
      report.put("summary", summary(results));
    } finally {
      cluster.close();
      if (controller != null) {
        controller.stop().await(30, TimeUnit.SECONDS);
      }
      if (watcher != null) {
        watcher.close();
      }
      kubelet.close();
      api.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    report.print(System.out);
    if (out != null) {
      report.write(out);
    }
    return 0;
  }

  /** One burst: every claim created at once from a few threads, timed until all are Ready. */
  private JsonObject burst(int burst, int claims) throws Exception {
    Map<String, Long> created = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allReady = new CountDownLatch(claims);
    String prefix = "b" + burst + "-";
    current.set(new ReadyWatcher(prefix, created, latencies, allReady));
    {
      Map<String, Integer> writesBefore = cluster.writesByResource();
      long start = System.nanoTime();
      ExecutorService threads = Executors.newFixedThreadPool(CLIENT_THREADS);
      for (int i = 0; i < claims; i++) {
        String name = prefix + i;
        threads.execute(
            () -> {
              created.put(name, System.nanoTime());
              api.resource(claim(name)).create();
            });
      }
      threads.shutdown();
      if (!allReady.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "burst " + burst + ": " + allReady.getCount() + " claims were not Ready in time");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Integer> writes = difference(cluster.writesByResource(), writesBefore);
      int claimPath =
          writes.getOrDefault("PUT sandboxes", 0)
              + writes.getOrDefault("PUT sandboxclaims/status", 0);
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return new JsonObject()
          .put("burst", burst)
          .put("claims", claims)
          .put("seconds", seconds)
          .put("claims_per_second", claims / seconds)
          .put("latency_ms_p50", percentile(sorted, 0.50))
          .put("latency_ms_p99", percentile(sorted, 0.99))
          .put("claim_path_writes_per_claim", (double) claimPath / claims)
          .put("writes_by_resource", new JsonObject(new java.util.TreeMap<>(writes)));
    }
  }

  private SharedIndexInformer<SandboxClaim> watchClaims() {
    return api.resources(SandboxClaim.class)
        .inNamespace(NAMESPACE)
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(SandboxClaim claim) {
                forward(watcher -> watcher.onAdd(claim));
              }

              @Override
              public void onUpdate(SandboxClaim before, SandboxClaim after) {
                forward(watcher -> watcher.onUpdate(before, after));
              }

              @Override
              public void onDelete(SandboxClaim claim, boolean finalStateUnknown) {}
            },
            0);
  }

  private void forward(java.util.function.Consumer<ReadyWatcher> event) {
    ReadyWatcher watcher = current.get();
    if (watcher != null) {
      event.accept(watcher);
    }
  }

  private void awaitReady(int replicas) throws InterruptedException {
    Integer[] ready = new Integer[1];
    try {
      ClusterFixtures.await(
          () -> {
            SandboxWarmPool pool =
                api.resources(SandboxWarmPool.class)
                    .inNamespace(NAMESPACE)
                    .withName("python")
                    .get();
            ready[0] =
                pool == null || pool.getStatus() == null
                    ? null
                    : pool.getStatus().getReadyReplicas();
            return Integer.valueOf(replicas).equals(ready[0]);
          },
          PATIENCE,
          "the pool to hold " + replicas + " ready sandboxes");
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + " (last seen ready: " + ready[0] + ")");
    }
  }

  private static Map<String, Integer> difference(
      Map<String, Integer> after, Map<String, Integer> before) {
    Map<String, Integer> delta = new java.util.TreeMap<>();
    after.forEach(
        (key, count) -> {
          int d = count - before.getOrDefault(key, 0);
          if (d > 0) {
            delta.put(key, d);
          }
        });
    return delta;
  }

  private static double percentile(List<Long> sortedNanos, double p) {
    int index = Math.min(sortedNanos.size() - 1, (int) Math.ceil(p * sortedNanos.size()) - 1);
    return sortedNanos.get(Math.max(0, index)) / 1e6;
  }

  private static JsonObject summary(JsonArray bursts) {
    List<Double> rates = new ArrayList<>();
    List<Double> writes = new ArrayList<>();
    for (int i = 0; i < bursts.size(); i++) {
      rates.add(bursts.getJsonObject(i).getDouble("claims_per_second"));
      writes.add(bursts.getJsonObject(i).getDouble("claim_path_writes_per_claim"));
    }
    return new JsonObject()
        .put("median_claims_per_second", median(rates))
        .put("median_claim_path_writes_per_claim", median(writes));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String template() {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata: {name: python}
        spec:
          podTemplate:
            metadata:
              labels: {app: python}
            spec:
              runtimeClassName: gvisor
              containers:
              - name: main
                image: bastion/python:dev
                resources:
                  limits: {cpu: "1", memory: 512Mi}
        """;
  }

  private static String pool(int replicas) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: python}
        spec:
          replicas: %d
          sandboxTemplateRef: {name: python}
        """
        .formatted(replicas);
  }

  private static SandboxClaim claim(String name) {
    return (SandboxClaim)
        Manifests.parse(
                """
                apiVersion: extensions.agents.x-k8s.io/v1beta1
                kind: SandboxClaim
                metadata: {name: %s, namespace: %s}
                spec:
                  warmPoolRef: {name: python}
                """
                    .formatted(name, NAMESPACE))
            .get(0);
  }

  /** Counts the burst's claims as their Ready condition turns True, with each one's latency. */
  private record ReadyWatcher(
      String prefix, Map<String, Long> created, List<Long> latencies, CountDownLatch allReady)
      implements ResourceEventHandler<SandboxClaim> {

    @Override
    public void onAdd(SandboxClaim claim) {
      seen(claim);
    }

    @Override
    public void onUpdate(SandboxClaim before, SandboxClaim after) {
      if (!isReady(before)) {
        seen(after);
      }
    }

    @Override
    public void onDelete(SandboxClaim claim, boolean finalStateUnknown) {}

    private void seen(SandboxClaim claim) {
      String name = claim.getMetadata().getName();
      Long start = created.get(name);
      if (name.startsWith(prefix) && start != null && isReady(claim)) {
        latencies.add(System.nanoTime() - start);
        allReady.countDown();
      }
    }

    private static boolean isReady(SandboxClaim claim) {
      return claim.getStatus() != null
          && claim.getStatus().getConditions() != null
          && claim.getStatus().getConditions().stream()
              .anyMatch(
                  c -> SandboxConditions.READY.equals(c.getType()) && "True".equals(c.getStatus()));
    }
  }
}
