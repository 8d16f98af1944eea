package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Bounds on what the calls a policy covers may use; an unset limit does not bound. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ToolPolicyLimits {

  /** Longest a process may run; a request asking for longer is refused. */
  private Long maxExecSeconds;

  /** Output a process may produce; more is cut and reported as truncated. */
  private Long maxOutputBytes;

  /** Largest file a call may read or write. */
  private Long maxFileBytes;

  /** Processes one tenant may have running at once through the gateway. */
  private Integer maxConcurrentExecs;

  /** Calls one tenant may make per minute. */
  private Integer callsPerMinute;

  /** Sandboxes one tenant may hold. */
  private Integer maxSandboxes;

  public Long getMaxExecSeconds() {
    return maxExecSeconds;
  }

  public void setMaxExecSeconds(Long maxExecSeconds) {
    this.maxExecSeconds = maxExecSeconds;
  }

  public Long getMaxOutputBytes() {
    return maxOutputBytes;
  }

  public void setMaxOutputBytes(Long maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
  }

  public Long getMaxFileBytes() {
    return maxFileBytes;
  }

  public void setMaxFileBytes(Long maxFileBytes) {
    this.maxFileBytes = maxFileBytes;
  }

  public Integer getMaxConcurrentExecs() {
    return maxConcurrentExecs;
  }

  public void setMaxConcurrentExecs(Integer maxConcurrentExecs) {
    this.maxConcurrentExecs = maxConcurrentExecs;
  }

  public Integer getCallsPerMinute() {
    return callsPerMinute;
  }

  public void setCallsPerMinute(Integer callsPerMinute) {
    this.callsPerMinute = callsPerMinute;
  }

  public Integer getMaxSandboxes() {
    return maxSandboxes;
  }

  public void setMaxSandboxes(Integer maxSandboxes) {
    this.maxSandboxes = maxSandboxes;
  }
}
