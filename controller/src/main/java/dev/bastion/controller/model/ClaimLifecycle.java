package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** When a claim ends and what its end removes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimLifecycle {

  /** Absolute expiry (RFC 3339). */
  private String shutdownTime;

  /** Expiry this long after the sandbox finished. */
  private Long ttlSecondsAfterFinished;

  /** Retain when unset. */
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
