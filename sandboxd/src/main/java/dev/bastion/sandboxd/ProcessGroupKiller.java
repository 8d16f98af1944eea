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

  /**
   * Sends {@code signal} to every process in the group led by {@code leader}. Until {@code setsid}
   * has run in a process just started there is no such group yet, and a signal sent that early (a
   * client that signals right after Exec) went nowhere: then it goes to the leader itself, which is
   * all the group will ever have held before that moment.
   */
  void signal(ProcessHandle leader, int signal) {
    String group = "-" + leader.pid();
    String alone = Long.toString(leader.pid());
    try {
      new ProcessBuilder(
              "/bin/sh",
              "-c",
              "kill -s "
                  + signal
                  + " -- "
                  + group
                  + " 2>/dev/null || kill -s "
                  + signal
                  + " "
                  + alone)
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
