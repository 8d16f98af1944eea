package dev.bastion.controller.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * A tenant's snapshot of a sandbox, as the API shows it.
 *
 * @param sandboxId the sandbox it was taken of (which may be gone since)
 * @param sizeBytes its memory image and /workspace copy on disk
 */
public record SnapshotView(
    String id,
    String tenant,
    String sandboxId,
    String template,
    Instant createdAt,
    long sizeBytes,
    Map<String, String> labels) {

  public SnapshotView {
    labels = Map.copyOf(labels);
  }
}
