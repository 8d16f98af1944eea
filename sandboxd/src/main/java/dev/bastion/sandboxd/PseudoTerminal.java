package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.Libc.C;

import com.google.protobuf.ByteString;
import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A pseudo-terminal for one process: sandboxd keeps the master side, the process gets the slave as
 * stdin, stdout, stderr and controlling terminal.
 *
 * <p>sandboxd also holds a slave descriptor of its own until the process has exited. Without it the
 * end of the output would depend on the kernel: Linux answers a master read with EIO once every
 * slave is closed, but the gVisor this project runs on drops unread output when the last slave
 * closes and then blocks the master read forever (newer gVisor answers EIO even before the child
 * opened the slave). So the master is in non-blocking mode and read with {@code poll}: the output
 * ends at EIO or hangup, or once the master stayed quiet for {@value #POLL_MILLIS} ms after the
 * process exited. Output that a background job writes after the session leader exited is not
 * delivered; Linux hangs the terminal up at that moment anyway.
 *
 * <p>The read blocks in native code, so it runs on one of {@link ManagedProcess}'s platform
 * threads: on a virtual thread the native call would pin the carrier for the terminal's lifetime.
 */
final class PseudoTerminal implements ProcessIo {

  /** How long a read or write waits before checking whether the process exited. */
  static final int POLL_MILLIS = 100;

  private static final byte DEFAULT_EOF = 4; // ^D
  private static final short HANGUP = Libc.POLLHUP | Libc.POLLERR;

  private final int master;
  private final int slave;
  private final String slavePath;
  // Guards the descriptors: close must not release a number a write or resize still uses.
  private final Object lock = new Object();
  private volatile boolean exited;
  private boolean closed;

  private PseudoTerminal(int master, int slave, String slavePath) {
    this.master = master;
    this.slave = slave;
    this.slavePath = slavePath;
  }

  /** Opens a new terminal of {@code size}. */
  static PseudoTerminal open(TerminalSize size) throws IOException {
    int master = -1;
    int slave = -1;
    try {
      master = C.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
      C.grantpt(master);
      C.unlockpt(master);
      String path = slaveName(master);
      C.fcntl(master, Libc.F_SETFL, Libc.O_NONBLOCK);
      slave = C.open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
      PseudoTerminal terminal = new PseudoTerminal(master, slave, path);
      terminal.resize(size);
      return terminal;
    } catch (LastErrorException e) {
      Libc.closeQuietly(slave);
      Libc.closeQuietly(master);
      throw new IOException("could not open a pseudo-terminal: errno " + e.getErrorCode(), e);
    }
  }

  /** The slave device, for the child's standard streams. */
  File slaveDevice() {
    return new File(slavePath);
  }

  @Override
  public List<Output> outputs() {
    return List.of(new Output(new MasterInput(), OutputKind.PTY));
  }

  @Override
  public void write(ByteString data) throws IOException {
    write(data.toByteArray());
  }

  /**
   * Types the terminal's end-of-file character (^D unless the program changed it), which ends a
   * read at the start of a line, rather than closing anything: the terminal stays usable.
   */
  @Override
  public void endInput() throws IOException {
    write(new byte[] {eofCharacter()});
  }

  @Override
  public void resize(TerminalSize size) throws IOException {
    short[] winsize = {(short) size.rows(), (short) size.cols(), 0, 0};
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        // On the master, so the kernel signals SIGWINCH to the terminal's foreground group.
        C.ioctl(master, new NativeLong(Libc.TIOCSWINSZ), winsize);
      } catch (LastErrorException e) {
        throw new IOException("could not resize the terminal: errno " + e.getErrorCode(), e);
      }
    }
  }

  @Override
  public void processExited() {
    exited = true;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      Libc.closeQuietly(slave);
      Libc.closeQuietly(master);
    }
  }

  private byte eofCharacter() {
    byte[] termios = new byte[Libc.TERMIOS_BYTES];
    synchronized (lock) {
      if (closed) {
        return DEFAULT_EOF;
      }
      try {
        C.tcgetattr(slave, termios);
        return termios[Libc.TERMIOS_VEOF_OFFSET];
      } catch (LastErrorException e) {
        // A hung-up terminal has no settings left; nobody reads the character either.
        return DEFAULT_EOF;
      }
    }
  }

  /** Writes all of {@code bytes}, unless the process exits first: then the rest is dropped. */
  private void write(byte[] bytes) throws IOException {
    int written = 0;
    synchronized (lock) {
      while (written < bytes.length && !closed && !exited) {
        short events = poll(Libc.POLLOUT);
        if ((events & HANGUP) != 0) {
          return;
        }
        if (events == 0) {
          continue;
        }
        byte[] rest = written == 0 ? bytes : Arrays.copyOfRange(bytes, written, bytes.length);
        try {
          written += C.write(master, rest, new NativeLong(rest.length)).intValue();
        } catch (LastErrorException e) {
          if (e.getErrorCode() == Libc.EIO) {
            return;
          }
          if (!retryable(e)) {
            throw new IOException("could not write to the terminal: errno " + e.getErrorCode());
          }
        }
      }
    }
  }

  /**
   * Waits up to {@link #POLL_MILLIS} for {@code event} on the master; returns the events that
   * happened (a hangup or error among them), 0 when none did.
   */
  private short poll(short event) throws IOException {
    Libc.PollFd fd = new Libc.PollFd(master, event);
    try {
      return C.poll(fd, new NativeLong(1), POLL_MILLIS) > 0 ? fd.revents : 0;
    } catch (LastErrorException e) {
      if (retryable(e)) {
        return 0;
      }
      throw new IOException("could not poll the terminal: errno " + e.getErrorCode());
    }
  }

  private static boolean retryable(LastErrorException e) {
    return e.getErrorCode() == Libc.EINTR || e.getErrorCode() == Libc.EAGAIN;
  }

  private static String slaveName(int master) {
    byte[] name = new byte[128];
    int error = C.ptsname_r(master, name, new NativeLong(name.length));
    if (error != 0) {
      throw new LastErrorException(error);
    }
    int end = 0;
    while (end < name.length && name[end] != 0) {
      end++;
    }
    return new String(name, 0, end, StandardCharsets.US_ASCII);
  }

  /** The master's output as a stream that ends as the class comment describes. */
  private final class MasterInput extends InputStream {

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      byte[] target = offset == 0 ? buffer : new byte[length];
      while (true) {
        boolean exitedBefore = exited;
        short events = poll(Libc.POLLIN);
        if (events == 0) {
          if (exitedBefore) {
            return -1;
          }
          continue;
        }
        int n;
        try {
          n = C.read(master, target, new NativeLong(length)).intValue();
        } catch (LastErrorException e) {
          if (retryable(e) && (events & HANGUP) == 0) {
            continue;
          }
          // EIO: every slave is closed or hung up, and all output was read.
          return -1;
        }
        if (n <= 0) {
          return -1;
        }
        if (target != buffer) {
          System.arraycopy(target, 0, buffer, offset, n);
        }
        return n;
      }
    }
  }
}
