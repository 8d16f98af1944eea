package dev.bastion.sandboxd;

import com.sun.jna.LastErrorException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Signals a process group. Every process sandboxd starts leads its own group (it runs under {@code
 * setsid}), so its pid is the group id. Java cannot signal a group, so this calls libc's {@code
 * kill} with the negated pid (through JNA): no shell, so an image without one is signalled too.
 * Call off the event loop: JNA loads its native library on first use.
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
    int pid = (int) leader.pid();
    try {
      Libc.C.kill(-pid, signal);
    } catch (LastErrorException noGroup) {
      if (noGroup.getErrorCode() != Libc.ESRCH) {
        LOG.log(Level.WARNING, "could not signal process group " + pid, noGroup);
        return;
      }
      try {
        Libc.C.kill(pid, signal);
      } catch (LastErrorException gone) {
        // The leader has ended too: nothing is left to signal.
      }
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
