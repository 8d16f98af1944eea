package dev.bastion.controller.sandbox;

/**
 * A request about a sandbox that cannot be served, with a one-line message fit for the caller.
 * Front ends map {@link Kind} onto their own status codes.
 */
public final class SandboxError extends RuntimeException {

  /** The caller's view of what went wrong. */
  public enum Kind {
    NOT_FOUND,
    PERMISSION_DENIED,
    ALREADY_EXISTS,
    INVALID_ARGUMENT,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    UNAVAILABLE,
    UNIMPLEMENTED
  }

  private final Kind kind;

  public SandboxError(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static SandboxError notFound(String id) {
    return new SandboxError(Kind.NOT_FOUND, "sandbox " + id + " not found");
  }

  public static SandboxError invalid(String message) {
    return new SandboxError(Kind.INVALID_ARGUMENT, message);
  }

  public static SandboxError precondition(String message) {
    return new SandboxError(Kind.FAILED_PRECONDITION, message);
  }

  public static SandboxError exhausted(String message) {
    return new SandboxError(Kind.RESOURCE_EXHAUSTED, message);
  }

  public static SandboxError unimplemented(String message) {
    return new SandboxError(Kind.UNIMPLEMENTED, message);
  }

  public static SandboxError unavailable(String message) {
    return new SandboxError(Kind.UNAVAILABLE, message);
  }
}
