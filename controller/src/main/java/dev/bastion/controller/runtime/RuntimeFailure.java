package dev.bastion.controller.runtime;

/** The host could not do what was asked of the container runtime; the message says why. */
public final class RuntimeFailure extends RuntimeException {
  public RuntimeFailure(String message) {
    super(message);
  }
}
