package dev.bastion.sandboxd;

/** What a child's standard streams are connected to. */
sealed interface Stdio {

  /** Three pipes, whose other ends sandboxd reads and writes. */
  Stdio PIPES = new Pipes();

  /** stdin reads nothing, output goes nowhere: for a process that talks over its own sockets. */
  Stdio DISCARD = new Discard();

  /** A pseudo-terminal's slave, which also becomes the child's controlling terminal. */
  static Stdio terminal(String slavePath) {
    return new Terminal(slavePath);
  }

  record Pipes() implements Stdio {}

  record Discard() implements Stdio {}

  record Terminal(String slavePath) implements Stdio {}
}
