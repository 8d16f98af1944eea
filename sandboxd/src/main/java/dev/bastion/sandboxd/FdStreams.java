package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.PosixSpawn.C;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams over a pipe's file descriptor, which the JDK offers no public way to wrap. Reads and
 * writes block in native code, so they belong on platform threads (as {@link ManagedProcess}'s
 * are). Each stream owns its descriptor and closes it once.
 */
final class FdStreams {

  private static final int BUFFER_BYTES = 32 * 1024;

  private FdStreams() {}

  static InputStream input(int fd) {
    return new Input(fd);
  }

  static OutputStream output(int fd) {
    return new Output(fd);
  }

  /** Closes {@code fd} and forgets a failure: for descriptors nobody used yet. */
  static void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        C.close(fd);
      } catch (LastErrorException e) {
        // Nothing was written through it, so nothing is lost.
      }
    }
  }

  /** The descriptor and its closing, shared by both directions. */
  private abstract static class Descriptor {
    final int fd;
    // Freed by its cleaner, never by close: a write blocked on a full pipe may still use it.
    final Memory buffer = new Memory(BUFFER_BYTES);
    private boolean closed;

    Descriptor(int fd) {
      this.fd = fd;
    }

    synchronized void closeOnce() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        C.close(fd);
      } catch (LastErrorException e) {
        throw new IOException("close failed: " + C.strerror(e.getErrorCode()), e);
      }
    }

    synchronized void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
    }
  }

  private static final class Input extends InputStream {
    private final Descriptor descriptor;

    Input(int fd) {
      descriptor = new Descriptor(fd) {};
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
      if (length == 0) {
        return 0;
      }
      descriptor.ensureOpen();
      while (true) {
        try {
          long n = C.read(descriptor.fd, descriptor.buffer, Math.min(length, BUFFER_BYTES));
          if (n == 0) {
            return -1;
          }
          descriptor.buffer.read(0, bytes, offset, (int) n);
          return (int) n;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != PosixSpawn.EINTR) {
            throw new IOException("read failed: " + C.strerror(e.getErrorCode()), e);
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      descriptor.closeOnce();
    }
  }

  private static final class Output extends OutputStream {
    private final Descriptor descriptor;

    Output(int fd) {
      descriptor = new Descriptor(fd) {};
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
      descriptor.ensureOpen();
      int written = 0;
      while (written < length) {
        descriptor.ensureOpen();
        int chunk = Math.min(length - written, BUFFER_BYTES);
        descriptor.buffer.write(0, bytes, offset + written, chunk);
        try {
          written += (int) C.write(descriptor.fd, descriptor.buffer, chunk);
        } catch (LastErrorException e) {
          if (e.getErrorCode() != PosixSpawn.EINTR) {
            throw new IOException("write failed: " + C.strerror(e.getErrorCode()), e);
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      descriptor.closeOnce();
    }
  }
}
