package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A child's standard streams as sandboxd drives them: plain pipes, or a pseudo-terminal. All
 * methods block: call them off the event loop.
 */
interface ProcessIo {

  /** One output to read until it ends, and the kind of event its bytes become. */
  record Output(InputStream stream, OutputKind kind) {}

  /** The outputs to read; each reaches its end once the process is done with it. */
  List<Output> outputs();

  /** Writes to the process's input; bytes the process can no longer receive are dropped. */
  void write(ByteString data) throws IOException;

  /** Tells the process its input ended. */
  void endInput() throws IOException;

  /** Resizes the terminal, if there is one; without one there is nothing to resize. */
  void resize(TerminalSize size) throws IOException;

  /** Called once the process has been reaped. */
  void processExited();

  /** Releases what is left once the process exited and its outputs ended. */
  void close();
}
