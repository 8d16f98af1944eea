package dev.bastion.gateway.cli;

/**
 * A failure the CLI reports as one {@code error: <message>} line and exit code 1: the message is
 * written for the user, so no stack trace accompanies it.
 */
final class CliException extends Exception {

  CliException(String message) {
    super(message);
  }
}
