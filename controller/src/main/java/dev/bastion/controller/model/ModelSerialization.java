package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The one JSON/YAML mapper for the Agent Sandbox kinds: knows them by apiVersion and kind. */
public final class ModelSerialization {

  private static final KubernetesSerialization SERIALIZATION = create();

  private ModelSerialization() {}

  public static KubernetesSerialization get() {
    return SERIALIZATION;
  }

  /** A deep copy, so callers never share mutable state with a store. */
  public static <T extends HasMetadata> T copy(T object) {
    return SERIALIZATION.clone(object);
  }

  public static String toJson(Object object) {
    return SERIALIZATION.asJson(object);
  }

  public static <T> T fromJson(String json, Class<T> type) {
    return SERIALIZATION.unmarshal(json, type);
  }

  private static KubernetesSerialization create() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    ManifestKinds.all().forEach(serialization::registerKubernetesResource);
    return serialization;
  }
}
