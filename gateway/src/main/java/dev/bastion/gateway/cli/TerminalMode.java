package dev.bastion.gateway.cli;

import dev.bastion.api.v1.PtySize;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local terminal in raw mode for as long as a session on a pseudo-terminal lasts: keys go to
 * the sandbox as they are typed (Ctrl-C included) and the sandbox's terminal does the echoing. Done
 * with {@code stty} on {@code /dev/tty}, as Java has no terminal API; closing restores the settings
 * found.
 */
final class TerminalMode implements AutoCloseable {

  private static final File TTY = new File("/dev/tty");

  private final String saved;

  private TerminalMode(String saved) {
    this.saved = saved;
  }

  /** Whether stdin is a terminal (Linux's /proc tells; Java's Console does not before 22). */
  static boolean available() {
    try {
      String stdin = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      return (stdin.startsWith("/dev/pts/") || stdin.startsWith("/dev/tty")) && TTY.canRead();
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Puts the terminal in raw mode, without echo. */
  static TerminalMode raw() throws CliException {
    String saved = stty("-g");
    stty("raw", "-echo");
    return new TerminalMode(saved);
  }

  /** The terminal's size now, when it can be read. */
  static Optional<PtySize> size() {
    try {
      String[] rowsCols = stty("size").split("\\s+");
      return Optional.of(
          PtySize.newBuilder()
              .setRows(Integer.parseInt(rowsCols[0]))
              .setCols(Integer.parseInt(rowsCols[1]))
              .build());
    } catch (CliException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws CliException {
    stty(saved);
  }

  private static String stty(String... settings) throws CliException {
    String[] command = new String[settings.length + 1];
    command[0] = "stty";
    System.arraycopy(settings, 0, command, 1, settings.length);
    try {
      Process stty =
          new ProcessBuilder(command)
              .redirectInput(TTY)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (stty.waitFor() != 0) {
        throw new CliException("stty " + String.join(" ", settings) + " failed");
      }
      return output.strip();
    } catch (IOException e) {
      throw new CliException("cannot set the terminal (stty): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
