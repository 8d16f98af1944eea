package dev.bastion.gateway.policy;

import dev.bastion.controller.policy.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A call's arguments as the audit log keeps them: enough to see what an agent tried, never the
 * secrets it passed. Environment values are left out (only names are kept); an argument that looks
 * like a credential ({@code --token X}, {@code PASSWORD=X}, {@code Bearer X}, a URL with a
 * password) has its secret part replaced; long arguments and long lists are cut.
 */
final class ArgumentSummary {

  static final String REDACTED = "[redacted]";
  private static final int MAX_ARGS = 32;
  private static final int MAX_ARG_CHARS = 256;
  private static final String SECRET_WORDS =
      "pass(word|wd)?|secret|token|api[-_]?key|auth|credential|private[-_]?key";
  private static final Pattern NAME = Pattern.compile("(?i).*(" + SECRET_WORDS + ").*");
  private static final Pattern SECRET_FLAG =
      Pattern.compile("(?i)-{1,2}[\\w-]*(" + SECRET_WORDS + ")[\\w-]*");
  private static final Pattern ASSIGNMENT = Pattern.compile("([^=\\s]+)=(.*)", Pattern.DOTALL);
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+\\S+");
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@]+):[^/\\s@]+@");

  private ArgumentSummary() {}

  static JsonObject of(ToolCall call) {
    JsonObject summary = new JsonObject();
    if (!call.argv().isEmpty()) {
      summary.put("argv", argv(call.argv()));
    }
    if (!call.env().isEmpty()) {
      summary.put("env_names", new JsonArray(List.copyOf(new TreeSet<>(call.env().keySet()))));
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
      if (SECRET_FLAG.matcher(arg).matches()) {
        secretNext = true;
        out.add(cut(arg));
        continue;
      }
      out.add(cut(redact(arg)));
    }
    if (argv.size() > MAX_ARGS) {
      out.add("[" + (argv.size() - MAX_ARGS) + " more]");
    }
    return out;
  }

  /** The argument with any secret in it replaced. */
  static String redact(String arg) {
    var assignment = ASSIGNMENT.matcher(arg);
    if (assignment.matches() && NAME.matcher(assignment.group(1)).matches()) {
      return assignment.group(1) + "=" + REDACTED;
    }
    String redacted = BEARER.matcher(arg).replaceAll(m -> m.group(1) + " " + REDACTED);
    return URL_PASSWORD.matcher(redacted).replaceAll(m -> m.group(1) + ":" + REDACTED + "@");
  }

  private static String cut(String text) {
    return text.length() <= MAX_ARG_CHARS
        ? text
        : text.substring(0, MAX_ARG_CHARS) + "...[" + (text.length() - MAX_ARG_CHARS) + " more]";
  }
}
