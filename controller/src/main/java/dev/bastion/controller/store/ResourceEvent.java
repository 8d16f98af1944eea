package dev.bastion.controller.store;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;

/**
 * Something changed in a {@link ResourceStore}.
 *
 * @param kind the object's kind, e.g. "Sandbox"
 * @param owners its owner references (and, after an update that changed them, the previous ones),
 *     so a controller can wake every owner concerned
 * @param deleted whether the object is gone
 */
public record ResourceEvent(
    String kind, String namespace, String name, List<OwnerReference> owners, boolean deleted) {}
