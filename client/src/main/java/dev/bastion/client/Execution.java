package dev.bastion.client;

import dev.bastion.api.v1.CodeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a cell did, once it ended: its output, results and error in the order they came.
 *
 * @param contextId the context it ran in (the default one when the call named none)
 * @param executionCount the kernel's count of the cells it ran, this one included
 * @param timedOut it ran past its timeout and was interrupted
 * @param truncated output or results past the cap were dropped
 */
public record Execution(
    String stdout,
    String stderr,
    List<CodeResult> results,
    Optional<CodeError> error,
    String contextId,
    long executionCount,
    long durationMs,
    boolean timedOut,
    boolean truncated) {

  public Execution {
    results = List.copyOf(results);
  }

  /** The value of the cell's last expression, if it had one. */
  public Optional<CodeResult> mainResult() {
    return results.stream().filter(CodeResult::main).findFirst();
  }

  /** Joins a cell's events, which end with {@code done}. */
  static Execution of(List<CodeEvent> events) {
    StringBuilder stdout = new StringBuilder();
    StringBuilder stderr = new StringBuilder();
    List<CodeResult> results = new ArrayList<>();
    CodeError error = null;
    dev.bastion.api.v1.Done done = dev.bastion.api.v1.Done.getDefaultInstance();
    for (CodeEvent event : events) {
      switch (event.getEventCase()) {
        case STDOUT -> stdout.append(event.getStdout());
        case STDERR -> stderr.append(event.getStderr());
        case RESULT ->
            results.add(
                new CodeResult(
                    event.getResult().getDataMap(), event.getResult().getIsMainResult()));
        case ERROR ->
            error =
                new CodeError(
                    event.getError().getName(),
                    event.getError().getValue(),
                    event.getError().getTracebackList());
        case DONE -> done = event.getDone();
        case EVENT_NOT_SET -> {}
      }
    }
    return new Execution(
        stdout.toString(),
        stderr.toString(),
        results,
        Optional.ofNullable(error),
        done.getContextId(),
        done.getExecutionCount(),
        done.getDurationMs(),
        done.getTimedOut(),
        done.getTruncated());
  }
}
