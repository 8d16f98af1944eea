package dev.bastion.controller.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.store.LocalResourceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObjectWaiterTest {

  private final Vertx vertx = Vertx.vertx();
  private final LocalResourceStore store =
      LocalResourceStore.inMemory(Clock.systemUTC(), ManifestKinds.customResources());
  private final ObjectWaiter waiter = new ObjectWaiter(vertx, store);

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anObjectNotSeenYetIsWaitedForAsACacheShowsItAMomentAfterItsCreate() throws Exception {
    Future<String> seen = awaitPresence();
    assertThat(seen.isComplete()).as("absent before it was ever seen is not deleted").isFalse();

    store.create(template());

    assertThat(seen.await(5, TimeUnit.SECONDS)).isEqualTo("present");
  }

  @Test
  void anObjectDeletedAfterItWasSeenEndsTheWait() throws Exception {
    store.create(template());
    Future<String> waited = waitForever();

    store.delete(SandboxTemplate.class, "default", "t", null);

    assertThat(waited.await(5, TimeUnit.SECONDS)).isEqualTo("gone");
  }

  private Future<String> awaitPresence() {
    return waiter.await(
        SandboxTemplate.class,
        "default",
        "t",
        found -> Optional.of(found.isPresent() ? "present" : "gone"),
        Duration.ofSeconds(10),
        new IllegalStateException("timed out"));
  }

  /** Keeps waiting while the object exists; answers once it is gone. */
  private Future<String> waitForever() {
    return waiter.await(
        SandboxTemplate.class,
        "default",
        "t",
        found -> found.isPresent() ? Optional.empty() : Optional.of("gone"),
        Duration.ofSeconds(10),
        new IllegalStateException("timed out"));
  }

  private static SandboxTemplate template() {
    return (SandboxTemplate)
        Manifests.parse(
                """
                apiVersion: extensions.agents.x-k8s.io/v1beta1
                kind: SandboxTemplate
                metadata: {name: t, namespace: default}
                spec:
                  podTemplate:
                    spec:
                      containers: [{name: main, image: bastion/python}]
                """)
            .get(0);
  }
}
