package dev.bastion.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import dev.bastion.controller.store.ObjectKey;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmPoolReconcilerTest {

  private final World world = new World();

  @Test
  void fillsThePoolWithReadyMembersAndThenWritesNothing() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 3, "OnReplenish"));
    world.settle();

    assertThat(world.members("py")).hasSize(3).allMatch(SandboxConditions::isReady);
    SandboxWarmPool pool = world.store.get(SandboxWarmPool.class, World.NS, "py").orElseThrow();
    assertThat(pool.getStatus().getReplicas()).isEqualTo(3);
    assertThat(pool.getStatus().getReadyReplicas()).isEqualTo(3);
    assertThat(pool.getStatus().getSelector()).isEqualTo("extensions.agents.x-k8s.io/warm-pool=py");
    assertThat(world.members("py").get(0).getSpec().getPodTemplate().getMetadata().getLabels())
        .as("reserved template labels are not copied")
        .containsOnlyKeys("app");
    assertThat(
            world
                .members("py")
                .get(0)
                .getSpec()
                .getPodTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isFalse();

    assertThat(world.round()).as("a pass over an unchanged world writes nothing").isZero();
    assertThat(world.pods.starts.get()).isEqualTo(3);
  }

  @Test
  void scalesUpAndDown() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    world.settle();
    setReplicas(5);
    world.settle();
    assertThat(world.members("py")).hasSize(5);
    setReplicas(1);
    world.settle();
    assertThat(world.members("py")).hasSize(1);
    assertThat(world.pods.pods).hasSize(1);
    assertThat(world.pods.removed).hasSize(4);
  }

  @Test
  void neverOvershootsWhileItsOwnCreatesAreInFlight() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    // Two creates made but not visible yet, as with a lagging cache: the pool counts them.
    ObjectKey key = new ObjectKey("SandboxWarmPool", World.NS, "py");
    world.expectations.expectCreate(key, "not-yet-visible-1");
    world.expectations.expectCreate(key, "not-yet-visible-2");
    world.pools.reconcile(World.NS, "py");
    assertThat(world.members("py")).isEmpty();

    world.clock.advance(Duration.ofMinutes(2));
    world.pools.reconcile(World.NS, "py");
    assertThat(world.members("py")).as("expectations that never came true expire").hasSize(2);
  }

  @Test
  void replacesMembersThatFailedOrNeverBecameReady() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    world.pods.readyAtOnce = false;
    world.settle();
    List<String> first = names();
    world.pods.pods.put(first.get(0), PodState.FAILED);
    world.settle();
    assertThat(names()).hasSize(2).doesNotContain(first.get(0)).contains(first.get(1));

    world.clock.advance(Duration.ofMinutes(6));
    world.settle();
    assertThat(names())
        .as("members stuck starting past the grace period are replaced")
        .hasSize(2)
        .doesNotContainAnyElementsOf(first);
  }

  @Test
  void holdsUnschedulableMembersPastTheGracePeriodInsteadOfChurningThem() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    world.pods.readyAtOnce = false;
    world.pods.unschedulable = true;
    world.settle();
    List<String> first = names();

    world.clock.advance(Duration.ofMinutes(6));
    world.settle();
    assertThat(names()).as("a replacement would wait for a node just the same").isEqualTo(first);
  }

  @Test
  void recreateReplacesStaleMembersAndOnReplenishKeepsThem() {
    world
        .apply(World.template("py"))
        .apply(World.pool("keep", "py", 2, "OnReplenish"))
        .apply(World.pool("fresh", "py", 2, "Recreate"));
    world.settle();
    List<String> kept = world.members("keep").stream().map(s -> s.getMetadata().getName()).toList();
    List<String> replaced =
        world.members("fresh").stream().map(s -> s.getMetadata().getName()).toList();

    SandboxTemplate template = world.store.get(SandboxTemplate.class, World.NS, "py").orElseThrow();
    template
        .getSpec()
        .getPodTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setEnv(List.of(new EnvVar("BASE", "2", null)));
    world.store.update(template);
    world.settle();

    assertThat(world.members("keep"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(kept);
    assertThat(world.members("fresh"))
        .hasSize(2)
        .extracting(s -> s.getMetadata().getName())
        .doesNotContainAnyElementsOf(replaced);
  }

  @Test
  void holdsItsRefillWhileClaimsWaitAndForAQuietMomentAfterTheLast() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    world.settle();
    world.apply(World.claim("c1", "py", ""));
    world.claims.reconcile(World.NS, "c1");
    world.apply(World.claim("c2", "py", ""));
    world.pools.reconcile(World.NS, "py");
    assertThat(world.members("py")).as("no refill while a claim waits").hasSize(1);
    assertThat(world.store.get(SandboxWarmPool.class, World.NS, "py").orElseThrow().getStatus())
        .as("the status still follows the members while the refill is held")
        .extracting(s -> s.getReplicas(), s -> s.getReadyReplicas())
        .containsExactly(1, 1);

    world.claims.reconcile(World.NS, "c2");
    world.clock.advance(WarmPoolReconciler.CLAIMS_QUIET.minusMillis(1));
    world.pools.reconcile(World.NS, "py");
    assertThat(world.members("py")).as("nor right after, as more of a burst may follow").isEmpty();

    world.clock.advance(Duration.ofMillis(1));
    world.pools.reconcile(World.NS, "py");
    assertThat(world.members("py")).as("refilled once the claims paused").hasSize(2);
  }

  @Test
  void aStreamOfClaimsHoldsTheRefillNoLongerThanItsLimit() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 1, "OnReplenish"));
    world.settle();
    world.apply(World.claim("first", "py", ""));
    world.claims.reconcile(World.NS, "first");
    Duration step = WarmPoolReconciler.CLAIMS_QUIET.dividedBy(2);
    Duration held = Duration.ZERO;
    for (int i = 0; held.compareTo(WarmPoolReconciler.CLAIMS_FIRST_LIMIT) < 0; i++) {
      world.apply(World.claim("next-" + i, "py", ""));
      world.pools.reconcile(World.NS, "py");
      assertThat(world.members("py")).as("held after %s", held).isEmpty();
      world.clock.advance(step);
      held = held.plus(step);
    }
    world.pools.reconcile(World.NS, "py");
    assertThat(world.members("py")).as("refilled at the limit though claims still wait").hasSize(1);
  }

  @Test
  void deletingThePoolDeletesItsMembers() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    world.settle();
    world.store.delete(SandboxWarmPool.class, World.NS, "py", null);
    world.settle();
    assertThat(world.sandboxes()).isEmpty();
    assertThat(world.pods.pods).isEmpty();
  }

  private List<String> names() {
    return world.members("py").stream().map(s -> s.getMetadata().getName()).toList();
  }

  private void setReplicas(int replicas) {
    SandboxWarmPool pool = world.store.get(SandboxWarmPool.class, World.NS, "py").orElseThrow();
    pool.getSpec().setReplicas(replicas);
    world.store.update(pool);
  }
}
