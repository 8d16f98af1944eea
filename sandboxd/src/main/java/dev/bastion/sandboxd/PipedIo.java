package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A process's stdin, stdout and stderr as pipes, which {@link Spawner} opened. A resize is ignored:
 * a process without a terminal has no window size.
 */
final class PipedIo implements ProcessIo {

  private final OutputStream stdin;
  private final List<Output> outputs;

  PipedIo(Child process) {
    this.stdin = process.stdin().orElseThrow();
    this.outputs =
        List.of(
            new Output(process.outputs().get(0), OutputKind.STDOUT),
            new Output(process.outputs().get(1), OutputKind.STDERR));
  }

  @Override
  public List<Output> outputs() {
    return outputs;
  }

  @Override
  public void write(ByteString data) throws IOException {
    data.writeTo(stdin);
  }

  @Override
  public void endInput() throws IOException {
    stdin.close();
  }

  @Override
  public void resize(TerminalSize size) {}

  @Override
  public void processExited() {}

  @Override
  public void close() {
    // The readers closed stdout and stderr at EOF; stdin may still be open.
    try {
      stdin.close();
    } catch (IOException e) {
      // Already closed or broken: nothing is left to release.
    }
  }
}
