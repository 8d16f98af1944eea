package dev.bastion.sandboxd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc calls that start, reap and re-identify processes, bound through JNA. glibc's {@code
 * posix_spawn} starts a child with one {@code clone(CLONE_VM|CLONE_VFORK)} and one {@code execve},
 * which under gVisor costs a fraction of the JDK's launch (a helper binary exec'd first, then
 * setpriv and setsid before the command). The {@code posix_spawn*} functions return an error number
 * instead of setting errno. Constants are Linux's, the same on x86-64 and arm64; descriptors are
 * read, written and closed through {@link Libc}, which binds those calls already.
 */
interface PosixSpawn extends Library {

  PosixSpawn C = Native.load("c", PosixSpawn.class);

  /** glibc's posix_spawnattr_t is 336 bytes, its posix_spawn_file_actions_t 80: room for both. */
  int ATTR_BYTES = 512;

  int FILE_ACTIONS_BYTES = 256;

  /** sigset_t: 1024 bits. */
  int SIGSET_BYTES = 128;

  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;
  short POSIX_SPAWN_SETSID = 0x80;

  int O_RDONLY = 0;
  int O_WRONLY = 1;

  int ENOENT = 2;
  int ENOEXEC = 8;
  int ESRCH = 3;

  int P_PID = 1;
  int WEXITED = 4;
  int WNOWAIT = 0x01000000;

  /** siginfo_t is 128 bytes on Linux. */
  int SIGINFO_BYTES = 128;

  int posix_spawn(
      IntByReference pid,
      byte[] path,
      Pointer fileActions,
      Pointer attributes,
      StringArray argv,
      StringArray envp);

  int posix_spawn_file_actions_init(Pointer fileActions);

  int posix_spawn_file_actions_destroy(Pointer fileActions);

  int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

  /** glibc copies {@code path}, so it may be freed once this returns. */
  int posix_spawn_file_actions_addopen(
      Pointer fileActions, int fd, byte[] path, int flags, int mode);

  int posix_spawn_file_actions_addchdir_np(Pointer fileActions, byte[] path);

  int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

  int posix_spawnattr_init(Pointer attributes);

  int posix_spawnattr_destroy(Pointer attributes);

  int posix_spawnattr_setflags(Pointer attributes, short flags);

  int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);

  int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

  int sigemptyset(Pointer set);

  int sigfillset(Pointer set);

  int pipe2(int[] fds, int flags) throws LastErrorException;

  int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

  int waitpid(int pid, int[] status, int options) throws LastErrorException;

  int kill(int pid, int signal) throws LastErrorException;

  String strerror(int error);

  /** A raw system call: it changes the calling thread alone, where glibc's wrappers change all. */
  long syscall(long number, long a, long b, long c) throws LastErrorException;

  int prctl(int option, long a, long b, long c, long d) throws LastErrorException;

  int getresuid(int[] ruid, int[] euid, int[] suid) throws LastErrorException;

  int getresgid(int[] rgid, int[] egid, int[] sgid) throws LastErrorException;

  int capget(int[] header, int[] data) throws LastErrorException;

  int capset(int[] header, int[] data) throws LastErrorException;
}
