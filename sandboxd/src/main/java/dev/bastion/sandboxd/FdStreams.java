package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.Libc.C;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Streams over a pipe's file descriptor, which the JDK offers no public way to wrap. Reads and
 * writes block in native code, so they belong on platform threads (as {@link ManagedProcess}'s
 * are). Each stream owns its descriptor and closes it once. JNA copies each array to native memory
 * for the call, so a read or write still blocked when the stream closes touches nothing freed.
 */
final class FdStreams {

  private FdStreams() {}

  static InputStream input(int fd) {
    return new Input(new Descriptor(fd));
  }

  static OutputStream output(int fd) {
    return new Output(new Descriptor(fd));
  }

  /** The descriptor and its closing, shared by both directions. */
  private static final class Descriptor {
    final int fd;
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
        throw failure("close", e);
      }
    }

    synchronized void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
    }
  }

  private static IOException failure(String call, LastErrorException e) {
    return new IOException(call + " failed: " + PosixSpawn.C.strerror(e.getErrorCode()), e);
  }

  private static final class Input extends InputStream {
    private final Descriptor descriptor;

    Input(Descriptor descriptor) {
      this.descriptor = descriptor;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      if (length == 0) {
        return 0;
      }
      descriptor.ensureOpen();
      byte[] target = offset == 0 ? bytes : new byte[length];
      while (true) {
        try {
          int n = C.read(descriptor.fd, target, new NativeLong(length)).intValue();
          if (n == 0) {
            return -1;
          }
          if (target != bytes) {
            System.arraycopy(target, 0, bytes, offset, n);
          }
          return n;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != Libc.EINTR) {
            throw failure("read", e);
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

    Output(Descriptor descriptor) {
      this.descriptor = descriptor;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      int written = 0;
      while (written < length) {
        descriptor.ensureOpen();
        byte[] rest =
            offset + written == 0 && length == bytes.length
                ? bytes
                : Arrays.copyOfRange(bytes, offset + written, offset + length);
        try {
          written += C.write(descriptor.fd, rest, new NativeLong(rest.length)).intValue();
        } catch (LastErrorException e) {
          if (e.getErrorCode() != Libc.EINTR) {
            throw failure("write", e);
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
