package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.store.LocalResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reconcilers over an in-memory store and fake pods, driven pass by pass: {@link #settle} runs
 * every reconciler over every object until a whole round writes nothing.
 */
final class World {

  static final String NS = "default";

  final TestClock clock = new TestClock();
  final LocalResourceStore store =
      LocalResourceStore.inMemory(clock, ManifestKinds.customResources());
  final FakePods pods = new FakePods();
  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger suffix = new AtomicInteger();
  final Expectations expectations = new Expectations(clock, Duration.ofMinutes(1));
  final SandboxReconciler sandboxes =
      new SandboxReconciler(store, pods, clock, LifecycleMetrics.NONE);
  final WarmPoolReconciler pools =
      new WarmPoolReconciler(
          store,
          expectations,
          clock,
          Duration.ofMinutes(5),
          () -> String.format("m%04d", suffix.incrementAndGet()));
  final ClaimReconciler claims =
      new ClaimReconciler(store, TenantNamespaces.single(NS), clock, LifecycleMetrics.NONE);

  /** Every Sandbox ever seen, so deleted ones get the pass that cleans up after them. */
  final Set<String> seenSandboxes = ConcurrentHashMap.newKeySet();

  World() {
    store.watch(
        event -> {
          writes.incrementAndGet();
          if (event.kind().equals("Sandbox")) {
            seenSandboxes.add(event.name());
          }
        });
  }

  /** Creates the objects of a YAML file. */
  World apply(String yaml) {
    for (HasMetadata object : Manifests.parse(yaml)) {
      object.getMetadata().setNamespace(NS);
      store.create((CustomResource<?, ?>) object);
    }
    return this;
  }

  /** Reconciles everything until a round writes nothing; fails if that never happens. */
  void settle() {
    for (int round = 0; round < 50; round++) {
      if (round() == 0) {
        return;
      }
    }
    throw new AssertionError("the world did not settle in 50 rounds");
  }

  /** One pass over every object of every kind; returns how many writes it made. */
  int round() {
    int before = writes.get();
    for (SandboxWarmPool pool : store.listAll(SandboxWarmPool.class)) {
      pools.reconcile(NS, pool.getMetadata().getName());
    }
    for (SandboxClaim claim : store.listAll(SandboxClaim.class)) {
      claims.reconcile(NS, claim.getMetadata().getName());
    }
    for (String sandbox : List.copyOf(seenSandboxes)) {
      sandboxes.reconcile(NS, sandbox);
    }
    return writes.get() - before;
  }

  List<Sandbox> sandboxes() {
    return store.listAll(Sandbox.class);
  }

  List<Sandbox> members(String pool) {
    return store.list(Sandbox.class, NS, Map.of("extensions.agents.x-k8s.io/warm-pool", pool));
  }

  static String template(String name) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata: {name: %s}
        spec:
          envVarsInjectionPolicy: Allowed
          podTemplate:
            metadata:
              labels: {app: py, agents.x-k8s.io/reserved: "no"}
            spec:
              containers:
              - name: main
                image: bastion/python:latest
                env: [{name: BASE, value: "1"}]
        """
        .formatted(name);
  }

  static String pool(String name, String template, int replicas, String strategy) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: %s}
        spec:
          replicas: %d
          sandboxTemplateRef: {name: %s}
          updateStrategy: {type: %s}
        """
        .formatted(name, replicas, template, strategy);
  }

  static String claim(String name, String pool, String extra) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxClaim
        metadata: {name: %s, labels: {bastion.dev/tenant: alice}}
        spec:
          warmPoolRef: {name: %s}
        %s
        """
        .formatted(name, pool, extra.indent(2));
  }
}
