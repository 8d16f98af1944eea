package dev.bastion.controller.store;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Which object: its kind, e.g. "Sandbox", namespace and name. */
public record ObjectKey(String kind, String namespace, String name) {

  public static ObjectKey of(HasMetadata object) {
    return new ObjectKey(
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
