package dev.bastion.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.SandboxWarmPoolStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalResourceStoreTest {

  private static final String POOL =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxWarmPool
      metadata: {name: py, namespace: default}
      spec: {replicas: 2, sandboxTemplateRef: {name: py}}
      """;

  private static final String SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata: {name: %s, namespace: default, labels: {team: a}}
      spec:
        podTemplate:
          spec:
            containers: [{name: main, image: bastion/python}]
      """;

  @TempDir Path dir;

  @Test
  void createSetsIdentityAndHandsOutCopies() {
    LocalResourceStore store = memory();
    Sandbox created = store.create(sandbox("a"));
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    created.getMetadata().getLabels().put("team", "changed");
    assertThat(store.get(Sandbox.class, "default", "a").orElseThrow().getMetadata().getLabels())
        .containsEntry("team", "a");
    assertThatThrownBy(() -> store.create(sandbox("a")))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.ALREADY_EXISTS));
  }

  @Test
  void aStaleWriteIsAConflictAndAnUnchangedOneWritesNothing() {
    LocalResourceStore store = memory();
    List<ResourceEvent> events = new ArrayList<>();
    store.watch(events::add);
    Sandbox first = store.create(sandbox("a"));
    Sandbox second = store.get(Sandbox.class, "default", "a").orElseThrow();
    first.getMetadata().getLabels().put("team", "b");
    Sandbox updated = store.update(first);
    assertThat(updated.getMetadata().getGeneration()).as("labels are not spec").isEqualTo(1L);

    second.getMetadata().getLabels().put("team", "c");
    assertThatThrownBy(() -> store.update(second)).matches(StoreException::isConflict);

    int before = events.size();
    Sandbox same = store.update(updated);
    assertThat(same.getMetadata().getResourceVersion())
        .isEqualTo(updated.getMetadata().getResourceVersion());
    assertThat(events).hasSize(before);

    updated.getSpec().setService(false);
    assertThat(store.update(updated).getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void statusIsWrittenSeparatelyFromSpec() {
    LocalResourceStore store = memory();
    SandboxWarmPool pool = store.create(pool());
    SandboxWarmPoolStatus status = new SandboxWarmPoolStatus();
    status.setReplicas(2);
    pool.setStatus(status);
    pool.getSpec().setReplicas(9);
    SandboxWarmPool written = store.updateStatus(pool);
    assertThat(written.getStatus().getReplicas()).isEqualTo(2);
    assertThat(written.getSpec().getReplicas())
        .as("a status write leaves the spec alone")
        .isEqualTo(2);
  }

  @Test
  void survivesARestartAndDropsTornWrites() throws Exception {
    LocalResourceStore store = durable();
    store.create(pool());
    store.create(sandbox("a"));
    Path plural = dir.resolve("sandboxes");
    Files.writeString(plural.resolve("default_half.json.tmp"), "{\"apiVer");
    Files.writeString(plural.resolve("default_junk.json"), "not json");

    LocalResourceStore reloaded = durable();
    assertThat(reloaded.listAll(Sandbox.class))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("a");
    assertThat(reloaded.listAll(SandboxWarmPool.class)).hasSize(1);
    assertThat(plural.resolve("default_half.json.tmp")).doesNotExist();
    assertThat(plural.resolve("default_junk.json.corrupt")).exists();
    Sandbox again = reloaded.create(sandbox("b"));
    assertThat(Long.parseLong(again.getMetadata().getResourceVersion()))
        .as("versions keep increasing across restarts")
        .isGreaterThan(
            Long.parseLong(
                reloaded
                    .get(Sandbox.class, "default", "a")
                    .orElseThrow()
                    .getMetadata()
                    .getResourceVersion()));
  }

  @Test
  void deletingAnOwnerDeletesItsDependentsAlsoAfterACrashInBetween() {
    LocalResourceStore store = durable();
    SandboxWarmPool pool = store.create(pool());
    Sandbox member = sandbox("member");
    member.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(pool)));
    store.create(member);
    store.create(sandbox("free"));

    store.delete(SandboxWarmPool.class, "default", "py", null);
    assertThat(store.listAll(Sandbox.class))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("free");

    // A crash after the owner's file went but before its dependent's: the next load finishes.
    SandboxWarmPool other = store.create(pool());
    Sandbox orphan = sandbox("orphan");
    orphan.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(other)));
    store.create(orphan);
    new ResourceFilesAccess(dir).remove("sandboxwarmpools", "default", "py");
    assertThat(durable().listAll(Sandbox.class))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("free");
  }

  @Test
  void listFiltersByLabels() {
    LocalResourceStore store = memory();
    store.create(sandbox("a"));
    Sandbox b = sandbox("b");
    b.getMetadata().setLabels(Map.of("team", "b"));
    store.create(b);
    assertThat(store.list(Sandbox.class, "default", Map.of("team", "b")))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("b");
  }

  private LocalResourceStore memory() {
    return LocalResourceStore.inMemory(Clock.systemUTC(), ManifestKinds.customResources());
  }

  private LocalResourceStore durable() {
    return LocalResourceStore.durable(dir, Clock.systemUTC(), ManifestKinds.customResources());
  }

  private static Sandbox sandbox(String name) {
    return (Sandbox) Manifests.parse(SANDBOX.formatted(name)).get(0);
  }

  private static SandboxWarmPool pool() {
    return (SandboxWarmPool) Manifests.parse(POOL).get(0);
  }

  /** Reaches the package-private file layer to simulate a crash between two writes. */
  private record ResourceFilesAccess(Path dir) {
    void remove(String plural, String namespace, String name) {
      new ResourceFiles(dir).remove(plural, namespace, name);
    }
  }
}
