package dev.bastion.controller.store;

import java.util.List;

/**
 * Something changed in a {@link ResourceStore}.
 *
 * @param kind the object's kind, e.g. "Sandbox"
 * @param owners the keys of its owners (and, after an update that changed them, of the previous
 *     ones), so a controller can wake every owner concerned. An owner may be in another namespace
 *     in embedded mode (a claim of a tenant owns the pool member it took, which stays in the pools'
 *     namespace); an owner the store no longer has is given in the object's namespace
 * @param change what happened to it
 */
public record ResourceEvent(
    String kind, String namespace, String name, List<ObjectKey> owners, Change change) {

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
