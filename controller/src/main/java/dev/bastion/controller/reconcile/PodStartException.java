package dev.bastion.controller.reconcile;

/** A pod could not be started; the message is fit for a condition and an API error. */
public final class PodStartException extends RuntimeException {

  public PodStartException(String message) {
    super(message, null, false, false);
  }
}
