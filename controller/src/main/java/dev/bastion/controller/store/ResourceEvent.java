package dev.bastion.controller.store;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;

/**
 * Something changed in a {@link ResourceStore}.
 *
 * @param kind the object's kind, e.g. "Sandbox"
 * @param owners its owner references (and, after an update that changed them, the previous ones),
 *     so a controller can wake every owner concerned
 * @param change what happened to it
 */
public record ResourceEvent(
    String kind, String namespace, String name, List<OwnerReference> owners, Change change) {

  /** What happened to an object, as a watch on the Kubernetes API tells it. */
  public enum Change {
    ADDED,
    /** Metadata or spec replaced (the status may have been written along). */
    UPDATED,
    /** Only the status was written. */
    STATUS,
    DELETED
  }
}
