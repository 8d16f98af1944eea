package dev.bastion.sandboxd;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.Exited;

/** Receives one process's events on the event loop: an Exec or Connect stream, or a Run call. */
interface ProcessListener {

  /** A {@code started}, {@code stdout}, {@code stderr} or {@code pty} event. */
  void onEvent(ExecEvent event);

  /** The last call: the process has exited and all its output was delivered. */
  void onExit(Exited exited);

  /** Whether the client is behind, so the process's output should be held back. */
  boolean isBackedUp();

  /** Runs {@code action} whenever a backed-up client has caught up. */
  void whenDrained(Runnable action);

  /** Whether this listener gave up on the process and wants no further events. */
  boolean isClosed();
}
