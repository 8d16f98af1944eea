package dev.bastion.gateway.terminal;

/** A terminal request refused before the upgrade, with the HTTP status and one-line reason. */
final class TerminalRefused extends RuntimeException {

  private final int status;

  TerminalRefused(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
