package dev.bastion.gateway.policy;

import com.google.re2j.Pattern;
import dev.bastion.controller.policy.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;

/**
 * A call's arguments as the audit log keeps them: enough to see what an agent tried, never the
 * secrets it passed. Environment values are left out (only names are kept); an argument that looks
 * like a credential ({@code --token X}, {@code PASSWORD=X}, {@code Bearer X}, a URL with a
 * password) has its secret part replaced; long arguments and long lists are cut.
 *
 * <p>It runs on the call's event loop, so its cost must not grow with what an agent sends: the
 * patterns are RE2's (linear time, no backtracking) and look at a bounded window of each argument.
 */
final class ArgumentSummary {

  static final String REDACTED = "[redacted]";
  private static final int MAX_ARGS = 32;
  private static final int MAX_ENV_NAMES = 32;
  private static final int MAX_ARG_CHARS = 256;

  /**
   * How much of an argument the patterns read: more than is shown, so a secret that starts in view
   * is seen whole; past it, a URL password running to the window's end is redacted as if it ended
   * there.
   */
  private static final int WINDOW_CHARS = 4 * MAX_ARG_CHARS;

  private static final String SECRET_WORDS =
      "pass(word|wd)?|secret|token|api[-_]?key|auth|credential|private[-_]?key";
  private static final Pattern SECRET_WORD = Pattern.compile("(?i)(" + SECRET_WORDS + ")");
  private static final Pattern FLAG = Pattern.compile("-[\\w-]*");
  private static final Pattern ASSIGNMENT = Pattern.compile("(?s)([^=\\s]+)=(.*)");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+\\S+");
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@]+):[^/\\s@]+@");
  private static final Pattern URL_PASSWORD_TO_END = Pattern.compile("(://[^/\\s:@]+):[^/\\s@]+$");

  private ArgumentSummary() {}

  static JsonObject of(ToolCall call) {
    JsonObject summary = new JsonObject();
    if (!call.argv().isEmpty()) {
      summary.put("argv", argv(call.argv()));
    }
    if (!call.env().isEmpty()) {
      summary.put("env_names", envNames(call.env().keySet()));
    }
    if (!call.cwd().isEmpty()) {
      summary.put("cwd", cut(call.cwd()));
    }
    if (!call.path().isEmpty()) {
      summary.put("path", cut(call.path()));
    }
    if (call.size() > 0) {
      summary.put("size", call.size());
    }
    if (!call.language().isEmpty()) {
      summary.put("language", cut(call.language()));
    }
    if (!call.code().isEmpty()) {
      // A cell is code, often with secrets in it: its first line's start, redacted like an
      // argument.
      String line = firstLine(window(call.code()));
      boolean continues = line.length() < call.code().length();
      summary.put("code", cut(redact(line, continues), call.code().length() - line.length()));
    }
    return summary;
  }

  private static JsonArray argv(List<String> argv) {
    JsonArray out = new JsonArray();
    boolean secretNext = false;
    for (int i = 0; i < Math.min(argv.size(), MAX_ARGS); i++) {
      String arg = argv.get(i);
      if (secretNext) {
        out.add(REDACTED);
        secretNext = false;
        continue;
      }
      String window = window(arg);
      if (FLAG.matches(window) && SECRET_WORD.matcher(window).find()) {
        secretNext = true;
        out.add(cut(arg));
        continue;
      }
      boolean continues = window.length() < arg.length();
      String redacted = redact(window, continues);
      out.add(cut(redacted, arg.length() - window.length()));
    }
    return more(out, argv.size(), MAX_ARGS);
  }

  private static JsonArray envNames(java.util.Set<String> names) {
    JsonArray out = new JsonArray();
    new TreeSet<>(names).stream().limit(MAX_ENV_NAMES).forEach(name -> out.add(cut(name)));
    return more(out, names.size(), MAX_ENV_NAMES);
  }

  private static JsonArray more(JsonArray out, int total, int shown) {
    return total > shown ? out.add("[" + (total - shown) + " more]") : out;
  }

  /**
   * The argument with any secret in it replaced; {@code continuesPastWindow} when the argument goes
   * on past what was read, so a URL password may end beyond it.
   */
  private static String redact(String arg, boolean continuesPastWindow) {
    var assignment = ASSIGNMENT.matcher(arg);
    if (assignment.matches() && SECRET_WORD.matcher(assignment.group(1)).find()) {
      return assignment.group(1) + "=" + REDACTED;
    }
    String redacted = BEARER.matcher(arg).replaceAll("$1 " + REDACTED);
    redacted = URL_PASSWORD.matcher(redacted).replaceAll("$1:" + REDACTED + "@");
    return continuesPastWindow
        ? URL_PASSWORD_TO_END.matcher(redacted).replaceAll("$1:" + REDACTED)
        : redacted;
  }

  private static String firstLine(String code) {
    int newline = code.indexOf('\n');
    return newline < 0 ? code : code.substring(0, newline);
  }

  private static String window(String arg) {
    return arg.length() <= WINDOW_CHARS ? arg : arg.substring(0, WINDOW_CHARS);
  }

  private static String cut(String text) {
    return cut(text, 0);
  }

  /**
   * The first characters of {@code text}, saying how many are left out: those of {@code text} not
   * shown and the {@code beyond} that followed it in the original.
   */
  private static String cut(String text, int beyond) {
    int shown = Math.min(text.length(), MAX_ARG_CHARS);
    int more = text.length() - shown + beyond;
    return more == 0 ? text : text.substring(0, shown) + "...[" + more + " more]";
  }
}
