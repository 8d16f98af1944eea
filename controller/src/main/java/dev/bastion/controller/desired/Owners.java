package dev.bastion.controller.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Optional;

/** Controller owner references: who manages an object, so deleting the owner cascades. */
public final class Owners {

  private Owners() {}

  /** A reference making {@code owner} the controller of the object that carries it. */
  public static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** The controller reference of {@code object}, if it has one. */
  public static Optional<OwnerReference> controllerOf(HasMetadata object) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** Whether {@code owner} (by uid) controls {@code object}. */
  public static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
    return isControlledBy(object, owner.getMetadata().getUid());
  }

  /** Whether the owner with uid {@code ownerUid} controls {@code object}. */
  public static boolean isControlledBy(HasMetadata object, String ownerUid) {
    return controllerOf(object).map(ref -> ref.getUid().equals(ownerUid)).orElse(false);
  }
}
