package dev.bastion.controller.reconcile;

/**
 * Makes the world match one object of one kind. Level-based: it reads everything it needs each time
 * and never asks which event woke it; a second pass over an unchanged world writes nothing. Runs on
 * a worker thread and may block; the {@link ControllerLoop} never runs two passes over the same
 * object at once.
 */
public interface Reconciler {

  /** The kind this reconciler owns, e.g. "Sandbox". */
  String kind();

  /** One pass over the object (which may no longer exist: then clean up after it). */
  Requeue reconcile(String namespace, String name);
}
