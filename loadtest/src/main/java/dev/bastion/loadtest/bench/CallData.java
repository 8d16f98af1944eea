package dev.bastion.loadtest.bench;

import java.time.Instant;
import java.util.UUID;

/**
 * What a template can refer to for one call: ghz's call template data ({@code .WorkerID}, {@code
 * .RequestNumber}, ...) plus {@code .SandboxID}, a sandbox the driver created for the run.
 *
 * @param workerId ghz's form: {@code g<worker>c<connection>}
 * @param requestNumber 0 for the first call of the run, counting up
 * @param sandboxId empty when the run has no sandboxes of its own
 */
record CallData(
    String workerId,
    long requestNumber,
    String sandboxId,
    BenchMethod method,
    Instant timestamp,
    UUID uuid) {

  static CallData of(String workerId, long requestNumber, String sandboxId, BenchMethod method) {
    return new CallData(
        workerId, requestNumber, sandboxId, method, Instant.now(), UUID.randomUUID());
  }
}
