package dev.bastion.client;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one of your sandboxes: its memory, processes and {@code /workspace} when it was
 * taken. {@link SandboxSpec#snapshot(String)} makes sandboxes that continue from it.
 *
 * @param sandboxId the sandbox it was taken of (which may be gone since)
 * @param sizeBytes what it takes on the server's disk
 */
public record SnapshotInfo(
    String id,
    String sandboxId,
    String template,
    Instant createdAt,
    long sizeBytes,
    Map<String, String> labels) {

  public SnapshotInfo {
    labels = Map.copyOf(labels);
  }
}
