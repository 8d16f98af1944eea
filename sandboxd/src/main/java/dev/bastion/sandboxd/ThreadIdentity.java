package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.PosixSpawn.C;

import com.sun.jna.LastErrorException;

/**
 * The credentials of one spawner thread, which its children inherit: a child started by {@code
 * posix_spawn} is a copy of the calling thread, and Linux (and gVisor) keep user ids and capability
 * sets per thread. So instead of exec'ing {@code setpriv} in every child, a spawner thread prepares
 * itself once — no_new_privs, an empty bounding and inheritable set (which empties the ambient
 * one), no supplementary groups — and around each spawn takes the agent's real and effective ids,
 * keeping sandboxd's as its saved ids to return to. A child that then executes a program is the
 * agent's user through and through (execve makes the saved ids the effective ones) and holds no
 * capability, as setpriv left it.
 *
 * <p>Only raw system calls do this: glibc's set*id wrappers would change every thread of sandboxd.
 * While a spawn is under way the thread's real id is the agent's, so for those microseconds the
 * agent's code could signal that one thread (which ends its own sandbox at most); it cannot trace
 * it, since the thread's saved ids stay sandboxd's.
 */
final class ThreadIdentity {

  private static final int PR_SET_NO_NEW_PRIVS = 38;
  private static final int PR_CAPBSET_DROP = 24;
  private static final int MAX_CAPABILITIES = 64;
  private static final int EINVAL = 22;
  private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
  private static final long KEEP = -1;

  private final AgentUser user;
  private final Syscalls calls = Syscalls.forThisMachine();
  private final int ownUid;
  private final int ownGid;

  private ThreadIdentity(AgentUser user, int ownUid, int ownGid) {
    this.user = user;
    this.ownUid = ownUid;
    this.ownGid = ownGid;
  }

  /**
   * Prepares the calling thread, once, before it spawns anything for {@code user}. For {@link
   * AgentUser#SANDBOXD_ITSELF} nothing changes: children keep sandboxd's identity.
   *
   * @throws LastErrorException when the thread cannot give up what its children must not hold
   */
  static ThreadIdentity prepare(AgentUser user) {
    int[] uid = new int[1];
    int[] gid = new int[1];
    int[] unused = new int[1];
    C.getresuid(uid, unused, new int[1]);
    C.getresgid(gid, unused, new int[1]);
    ThreadIdentity identity = new ThreadIdentity(user, uid[0], gid[0]);
    if (user.uid() >= 0) {
      identity.dropWhatChildrenMustNotHold();
    }
    return identity;
  }

  private void dropWhatChildrenMustNotHold() {
    C.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    // The kernel answers EINVAL past its last capability.
    for (int capability = 0; capability < MAX_CAPABILITIES; capability++) {
      try {
        C.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0);
      } catch (LastErrorException pastTheLast) {
        if (pastTheLast.getErrorCode() != EINVAL) {
          throw pastTheLast;
        }
        break;
      }
    }
    int[] header = {LINUX_CAPABILITY_VERSION_3, 0};
    int[] sets = new int[6]; // effective, permitted, inheritable; for capabilities 0-31, 32-63
    C.capget(header, sets);
    sets[2] = 0;
    sets[5] = 0;
    C.capset(header, sets);
    C.syscall(calls.setgroups(), 0, 0, 0);
  }

  /**
   * Runs {@code spawn} as the agent's user.
   *
   * @throws ThreadLost when the thread could not become itself again; it must spawn no more
   */
  <T> T asAgent(SpawnAction<T> spawn) throws SpawnFailure {
    if (user.uid() < 0) {
      return spawn.run();
    }
    C.syscall(calls.setresgid(), user.gid(), user.gid(), KEEP);
    try {
      C.syscall(calls.setresuid(), user.uid(), user.uid(), KEEP);
      try {
        return spawn.run();
      } finally {
        restoreUid();
      }
    } finally {
      restoreGid();
    }
  }

  private void restoreUid() {
    try {
      C.syscall(calls.setresuid(), ownUid, ownUid, KEEP);
    } catch (LastErrorException e) {
      throw new ThreadLost("could not return to sandboxd's user id", e);
    }
  }

  private void restoreGid() {
    try {
      C.syscall(calls.setresgid(), ownGid, ownGid, KEEP);
    } catch (LastErrorException e) {
      throw new ThreadLost("could not return to sandboxd's group id", e);
    }
  }

  /** What runs under the agent's identity. */
  @FunctionalInterface
  interface SpawnAction<T> {
    T run() throws SpawnFailure;
  }

  /** The thread's identity is not sandboxd's any more: it must end. */
  static final class ThreadLost extends RuntimeException {
    ThreadLost(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The numbers of the credential calls, which differ between architectures. */
  private record Syscalls(long setgroups, long setresuid, long setresgid) {
    static Syscalls forThisMachine() {
      return switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> new Syscalls(116, 117, 119);
        case "aarch64" -> new Syscalls(159, 147, 149);
        default ->
            throw new IllegalStateException(
                "sandboxd knows no credential system calls for " + System.getProperty("os.arch"));
      };
    }
  }
}
