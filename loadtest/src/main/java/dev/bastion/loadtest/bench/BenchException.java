package dev.bastion.loadtest.bench;

/** The run could not be made or cleaned up; the message is one sentence for the user. */
final class BenchException extends Exception {

  BenchException(String message) {
    super(message);
  }
}
