package dev.bastion.controller.embedded;

import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The template {@code python} and the warm pool {@code python} that every embedded server has. The
 * template is created when missing (an admin's edits to it are kept); the pool's replicas follow
 * {@code --warm} at every start.
 */
public final class DefaultResources {

  private static final String FILE = "defaults.yaml";

  private DefaultResources() {}

  /** The shipped objects for a server on {@code runtime} keeping {@code warm} ready sandboxes. */
  public static List<HasMetadata> objects(RuntimeKind runtime, int warm) {
    try (InputStream in = DefaultResources.class.getResourceAsStream(FILE)) {
      String text =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("{{RUNTIME}}", runtime.id())
              .replace("{{WARM}}", Integer.toString(warm));
      return Manifests.parse(text);
    } catch (IOException e) {
      throw new UncheckedIOException("the built-in " + FILE + " is missing", e);
    }
  }

  /** Puts the shipped objects in {@code store}. Blocks. */
  public static void install(ResourceStore store, RuntimeKind runtime, int warm) {
    for (HasMetadata object : objects(runtime, warm)) {
      if (object instanceof SandboxTemplate template
          && store
              .get(
                  SandboxTemplate.class,
                  template.getMetadata().getNamespace(),
                  template.getMetadata().getName())
              .isEmpty()) {
        store.create(template);
      } else if (object instanceof SandboxWarmPool pool) {
        var existing =
            store.get(
                SandboxWarmPool.class,
                pool.getMetadata().getNamespace(),
                pool.getMetadata().getName());
        if (existing.isEmpty()) {
          store.create(pool);
        } else {
          existing.get().getSpec().setReplicas(warm);
          store.update(existing.get());
        }
      }
    }
  }
}
