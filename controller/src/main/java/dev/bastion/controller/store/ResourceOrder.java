package dev.bastion.controller.store;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;

/** The order stores list objects in: oldest first, then by name, as kubectl shows them. */
public final class ResourceOrder {

  private ResourceOrder() {}

  public static <T extends HasMetadata> Comparator<T> oldestFirst() {
    return Comparator.comparing((T o) -> o.getMetadata().getCreationTimestamp())
        .thenComparing(o -> o.getMetadata().getName());
  }
}
