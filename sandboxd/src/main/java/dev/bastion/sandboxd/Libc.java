package dev.bastion.sandboxd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Structure;

/**
 * The libc calls on descriptors that a pseudo-terminal and a child's pipes need, bound through JNA
 * (the sandbox's Java 21 has no foreign-function API); {@link PosixSpawn} has those that start
 * processes. Constants are Linux's, the same on x86-64 and arm64.
 */
interface Libc extends Library {

  Libc C = Native.load("c", Libc.class);

  int O_RDWR = 0x2;
  int O_NOCTTY = 0x100;
  int O_NONBLOCK = 0x800;
  int O_CLOEXEC = 0x80000;
  int F_SETFL = 4;
  int EINTR = 4;
  int EIO = 5;
  int EAGAIN = 11;
  long TIOCSWINSZ = 0x5414;
  short POLLIN = 0x1;
  short POLLOUT = 0x4;
  short POLLERR = 0x8;
  short POLLHUP = 0x10;

  /** Where VEOF sits in a struct termios: after four flags, c_line, then c_cc[VEOF=4]. */
  int TERMIOS_VEOF_OFFSET = 4 * 4 + 1 + 4;

  /** Big enough for glibc's struct termios (60 bytes). */
  int TERMIOS_BYTES = 64;

  int sethostname(byte[] name, NativeLong length) throws LastErrorException;

  int posix_openpt(int flags) throws LastErrorException;

  int grantpt(int fd) throws LastErrorException;

  int unlockpt(int fd) throws LastErrorException;

  /** Returns 0 or an error number (not -1 with errno). */
  int ptsname_r(int fd, byte[] buffer, NativeLong length);

  int open(String path, int flags) throws LastErrorException;

  int fcntl(int fd, int command, int argument) throws LastErrorException;

  /** {@code winsize} is struct winsize: rows, cols, x pixels, y pixels. */
  int ioctl(int fd, NativeLong request, short[] winsize) throws LastErrorException;

  int tcgetattr(int fd, byte[] termios) throws LastErrorException;

  int poll(PollFd fd, NativeLong count, int timeoutMillis) throws LastErrorException;

  NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

  NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  /** Closes {@code fd} if it is one (not -1); a failure leaves nothing to do: Linux released it. */
  static void closeQuietly(int fd) {
    if (fd < 0) {
      return;
    }
    try {
      C.close(fd);
    } catch (LastErrorException e) {
      // The descriptor is released either way on Linux.
    }
  }

  /** struct pollfd. */
  @Structure.FieldOrder({"fd", "events", "revents"})
  final class PollFd extends Structure {
    public int fd;
    public short events;
    public short revents;

    PollFd(int fd, short events) {
      this.fd = fd;
      this.events = events;
    }
  }
}
