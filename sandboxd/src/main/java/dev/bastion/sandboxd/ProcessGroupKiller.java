package dev.bastion.sandboxd;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Signals a process group. Every process sandboxd starts leads its own group (it runs under {@code
 * setsid}), so its pid is the group id. Java cannot signal a group, so this asks dash's builtin
 * {@code kill}, which accepts a negative pid. Blocking: call off the event loop.
 */
final class ProcessGroupKiller {

  private static final Logger LOG = Logger.getLogger(ProcessGroupKiller.class.getName());
  private static final int SIGKILL = 9;

  /** Sends {@code signal} to every process in the group led by {@code leader}. */
  void signal(ProcessHandle leader, int signal) {
    try {
      new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- -" + leader.pid())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not run kill for process group " + leader.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kills the group and, as a second net, every descendant of the leader, which catches children
   * that moved to a group of their own.
   */
  void kill(ProcessHandle leader) {
    // Snapshot first: once the leader dies its children are re-parented and no longer listed.
    List<ProcessHandle> descendants = leader.descendants().toList();
    signal(leader, SIGKILL);
    descendants.forEach(ProcessHandle::destroyForcibly);
    leader.destroyForcibly();
  }
}
