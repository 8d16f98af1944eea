package dev.bastion.gateway.cli;

/**
 * A failure the CLI reports as one {@code error: <message>} line: the message is written for the
 * user, so no stack trace accompanies it. Client commands then exit 1, {@code audit} exits 2.
 */
final class CliException extends Exception {

  CliException(String message) {
    super(message);
  }
}
