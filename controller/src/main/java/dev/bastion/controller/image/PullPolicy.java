package dev.bastion.controller.image;

import java.util.Optional;

/** When an image is fetched from its registry, as a container's {@code imagePullPolicy} says. */
public enum PullPolicy {
  /** On every sandbox start: a tag that moved is followed. */
  ALWAYS("Always"),
  /** Only when no copy is kept. */
  IF_NOT_PRESENT("IfNotPresent"),
  /** Never: the image must have been pulled or loaded before. */
  NEVER("Never");

  private final String manifestName;

  PullPolicy(String manifestName) {
    this.manifestName = manifestName;
  }

  /** The policy named {@code name} in a manifest, if it is one. */
  public static Optional<PullPolicy> named(String name) {
    for (PullPolicy policy : values()) {
      if (policy.manifestName.equals(name)) {
        return Optional.of(policy);
      }
    }
    return Optional.empty();
  }

  public String manifestName() {
    return manifestName;
  }
}
