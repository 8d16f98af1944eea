package dev.bastion.client;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The exception a cell raised, or {@code KernelDied} when its kernel ended under it.
 *
 * @param name the exception's class, e.g. {@code ZeroDivisionError}
 * @param value its message
 * @param traceback the traceback's lines as the kernel gave them (with terminal colours)
 */
public record CodeError(String name, String value, List<String> traceback) {

  /** The colours IPython writes into a traceback for a terminal. */
  private static final Pattern TERMINAL_COLOURS = Pattern.compile("\u001B\\[[0-9;]*m");

  public CodeError {
    traceback = List.copyOf(traceback);
  }

  /** The traceback as one text without terminal colours, as a log or a model reads it. */
  public String plainTraceback() {
    return TERMINAL_COLOURS.matcher(String.join("\n", traceback)).replaceAll("");
  }
}
