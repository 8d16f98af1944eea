package dev.bastion.sandboxd;

/** A process could not be started at all, not even a stand-in that reports why. */
final class SpawnFailure extends Exception {

  SpawnFailure(String message) {
    super(message);
  }
}
