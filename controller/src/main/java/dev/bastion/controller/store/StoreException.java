package dev.bastion.controller.store;

/** A store refused a write; the message says which object and why. */
public final class StoreException extends RuntimeException {

  /** Why a write was refused, as the Kubernetes API would say it. */
  public enum Reason {
    NOT_FOUND,
    ALREADY_EXISTS,
    /** The object changed since it was read: read it again and retry. */
    CONFLICT
  }

  private final Reason reason;

  public StoreException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static boolean isConflict(Throwable failure) {
    return failure instanceof StoreException e && e.reason == Reason.CONFLICT;
  }
}
