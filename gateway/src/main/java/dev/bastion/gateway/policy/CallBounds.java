package dev.bastion.gateway.policy;

import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxError;
import java.util.Map;

/**
 * The sizes a tool call may have, checked before a policy, a pattern or the audit log reads any of
 * it: sandboxd checks again, but only after the gateway has worked on the call on its event loop.
 * The bounds are those past which no process could start anyway, so no real call is refused.
 */
final class CallBounds {

  /** As sandboxd's own bound. */
  static final int MAX_ARGS = 1024;

  /** Linux's MAX_ARG_STRLEN: exec refuses a longer argument or environment entry. */
  static final int MAX_ENTRY_CHARS = 128 * 1024;

  /** As sandboxd's own bound. */
  static final int MAX_ENV_ENTRIES = 1024;

  /** Under Linux's ARG_MAX for argv and environment together (2 MiB with an 8 MiB stack). */
  static final int MAX_TOTAL_CHARS = 1024 * 1024;

  /** A cell of code: a notebook's largest cells are kilobytes; 1 MiB is far past any. */
  static final int MAX_CODE_CHARS = 1024 * 1024;

  /** Linux's PATH_MAX, and sandboxd's bound. */
  static final int MAX_PATH_CHARS = 4096;

  private CallBounds() {}

  /**
   * @throws SandboxError INVALID_ARGUMENT naming the first bound {@code call} goes past
   */
  static void check(ToolCall call) {
    if (call.argv().size() > MAX_ARGS) {
      throw invalid("argv has " + call.argv().size() + " entries, more than " + MAX_ARGS);
    }
    if (call.env().size() > MAX_ENV_ENTRIES) {
      throw invalid("env has " + call.env().size() + " entries, more than " + MAX_ENV_ENTRIES);
    }
    long total = 0;
    for (int i = 0; i < call.argv().size(); i++) {
      total += entry("argv[" + i + "]", call.argv().get(i).length());
    }
    for (Map.Entry<String, String> variable : call.env().entrySet()) {
      total += entry("env entry", variable.getKey().length() + 1 + variable.getValue().length());
    }
    if (total > MAX_TOTAL_CHARS) {
      throw invalid(
          "argv and env hold " + total + " characters, more than " + MAX_TOTAL_CHARS + " together");
    }
    path("cwd", call.cwd());
    path("path", call.path());
    if (call.code().length() > MAX_CODE_CHARS) {
      throw invalid(
          "code is " + call.code().length() + " characters long, more than " + MAX_CODE_CHARS);
    }
    path("language", call.language());
  }

  private static int entry(String what, int chars) {
    if (chars > MAX_ENTRY_CHARS) {
      throw invalid(what + " is " + chars + " characters long, more than " + MAX_ENTRY_CHARS);
    }
    return chars;
  }

  private static void path(String what, String value) {
    if (value.length() > MAX_PATH_CHARS) {
      throw invalid(what + " is longer than " + MAX_PATH_CHARS + " bytes");
    }
  }

  private static SandboxError invalid(String message) {
    return new SandboxError(SandboxError.Kind.INVALID_ARGUMENT, message);
  }
}
