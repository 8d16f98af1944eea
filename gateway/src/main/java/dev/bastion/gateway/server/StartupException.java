package dev.bastion.gateway.server;

/** Bastion cannot start; the message is one sentence that says what to do. */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message, null, false, false);
  }
}
