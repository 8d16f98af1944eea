package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds Bastion reads from manifests: the one list a new kind is added to. */
public final class ManifestKinds {

  private static final List<Class<? extends CustomResource<?, ?>>> KINDS =
      List.of(
          Sandbox.class,
          SandboxTemplate.class,
          SandboxWarmPool.class,
          SandboxClaim.class,
          ToolPolicy.class);

  private ManifestKinds() {}

  /** Every kind, in the order they are listed to users. */
  public static List<Class<? extends HasMetadata>> all() {
    return List.copyOf(KINDS);
  }

  /** Every kind, as the custom resources a store holds. */
  public static List<Class<? extends CustomResource<?, ?>>> customResources() {
    return KINDS;
  }

  /** The class of {@code kind} in {@code apiVersion}, if Bastion serves it. */
  public static Optional<Class<? extends HasMetadata>> find(String apiVersion, String kind) {
    return KINDS.stream()
        .filter(type -> HasMetadata.getApiVersion(type).equals(apiVersion))
        .filter(type -> HasMetadata.getKind(type).equals(kind))
        .<Class<? extends HasMetadata>>map(type -> type)
        .findFirst();
  }

  /** The served kinds as users write them, e.g. {@code agents.x-k8s.io/v1beta1 Sandbox, ...}. */
  public static String describe() {
    return KINDS.stream()
        .map(type -> HasMetadata.getApiVersion(type) + " " + HasMetadata.getKind(type))
        .collect(Collectors.joining(", "));
  }
}
