package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** When a claim ends and what its end removes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimLifecycle {

  /** Absolute expiry (RFC 3339). */
  private String shutdownTime;

  /** Expiry this long after the sandbox finished. */
  @Min(0)
  private Long ttlSecondsAfterFinished;

  /** Retain when unset. */
  @Default("Retain")
  private ClaimShutdownPolicy shutdownPolicy;

  public String getShutdownTime() {
    return shutdownTime;
  }

  public void setShutdownTime(String shutdownTime) {
    this.shutdownTime = shutdownTime;
  }

  public Long getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Long ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }

  public ClaimShutdownPolicy getShutdownPolicy() {
    return shutdownPolicy;
  }

  public void setShutdownPolicy(ClaimShutdownPolicy shutdownPolicy) {
    this.shutdownPolicy = shutdownPolicy;
  }
}
