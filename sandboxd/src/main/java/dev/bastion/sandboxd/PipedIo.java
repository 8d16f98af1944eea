package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A process's stdin, stdout and stderr as pipes, which the JDK opens and closes. A resize is
 * ignored: a process without a terminal has no window size.
 */
final class PipedIo implements ProcessIo {

  private final Process process;

  PipedIo(Process process) {
    this.process = process;
  }

  @Override
  public List<Output> outputs() {
    return List.of(
        new Output(process.getInputStream(), OutputKind.STDOUT),
        new Output(process.getErrorStream(), OutputKind.STDERR));
  }

  @Override
  public void write(ByteString data) throws IOException {
    OutputStream stdin = process.getOutputStream();
    data.writeTo(stdin);
    stdin.flush();
  }

  @Override
  public void endInput() throws IOException {
    process.getOutputStream().close();
  }

  @Override
  public void resize(TerminalSize size) {}

  @Override
  public void processExited() {}

  @Override
  public void close() {
    // The readers closed stdout and stderr at EOF; stdin may still be open.
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already closed or broken: nothing is left to release.
    }
  }
}
