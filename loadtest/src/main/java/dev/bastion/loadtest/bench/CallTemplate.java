package dev.bastion.loadtest.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with ghz's template actions, parsed once and rendered for every call. Supported: the call
 * data fields ({@code {{.RequestNumber}}}, {@code {{.WorkerID}}}, {@code {{.SandboxID}}}, ...), and
 * the functions {@code newUUID}, {@code randomString N}, {@code randomInt MIN MAX} and {@code env
 * "NAME"} (sprig's, which ghz offers too; the name may be quoted with {@code "}, {@code \"} or
 * backquotes). Anything else is refused when the template is parsed, never sent as text.
 */
final class CallTemplate {

  static final Set<String> FIELDS =
      Set.of(
          "WorkerID",
          "RequestNumber",
          "SandboxID",
          "FullyQualifiedName",
          "MethodName",
          "ServiceName",
          "InputName",
          "OutputName",
          "IsClientStreaming",
          "IsServerStreaming",
          "Timestamp",
          "TimestampUnix",
          "TimestampUnixMilli",
          "TimestampUnixNano",
          "UUID");

  private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
  private static final Pattern FIELD = Pattern.compile("\\.(\\w+)");
  private static final Pattern ENV = Pattern.compile("env\\s+(\\\\?\"|`)(\\w+)\\1");
  private static final Pattern RANDOM_STRING = Pattern.compile("randomString\\s+(-?\\d+)");
  private static final Pattern RANDOM_INT = Pattern.compile("randomInt\\s+(-?\\d+)\\s+(-?\\d+)");
  private static final String CHARSET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  /** One piece of the template: renders its text for a call. */
  private interface Part extends Function<CallData, String> {}

  private final List<Part> parts;
  private final Set<String> fields;
  private final boolean constant;

  private CallTemplate(List<Part> parts, Set<String> fields, boolean constant) {
    this.parts = parts;
    this.fields = fields;
    this.constant = constant;
  }

  /**
   * Parses {@code text}; {@code env} answers {@code env "NAME"} once, now.
   *
   * @param what names the text in errors, e.g. "-d"
   * @throws IllegalArgumentException on an action it does not know or an unset variable
   */
  static CallTemplate parse(String text, String what, Function<String, String> env) {
    List<Part> parts = new ArrayList<>();
    Set<String> fields = new HashSet<>();
    boolean constant = true;
    Matcher action = ACTION.matcher(text);
    int at = 0;
    while (action.find()) {
      String literal = text.substring(at, action.start());
      parts.add(data -> literal);
      String body = action.group(1).strip();
      parts.add(action(body, action.group(), what, env, fields));
      constant &= ENV.matcher(body).matches();
      at = action.end();
    }
    String rest = text.substring(at);
    if (rest.contains("{{")) {
      throw new IllegalArgumentException(what + ": unclosed template action in " + rest);
    }
    parts.add(data -> rest);
    return new CallTemplate(List.copyOf(parts), Set.copyOf(fields), constant);
  }

  private static Part action(
      String body, String whole, String what, Function<String, String> env, Set<String> fields) {
    Matcher matcher;
    if ((matcher = FIELD.matcher(body)).matches()) {
      String field = matcher.group(1);
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            what
                + ": unknown template field "
                + whole
                + " (known: ."
                + String.join(", .", FIELDS.stream().sorted().toList())
                + ")");
      }
      fields.add(field);
      return data -> field(field, data);
    }
    if ((matcher = ENV.matcher(body)).matches()) {
      String name = matcher.group(2);
      String value = env.apply(name);
      if (value == null) {
        throw new IllegalArgumentException(
            what + ": environment variable " + name + " is not set (" + whole + ")");
      }
      return data -> value;
    }
    if (body.equals("newUUID")) {
      return data -> UUID.randomUUID().toString();
    }
    if ((matcher = RANDOM_STRING.matcher(body)).matches()) {
      int length = Integer.parseInt(matcher.group(1));
      return data -> randomString(length);
    }
    if ((matcher = RANDOM_INT.matcher(body)).matches()) {
      int min = Integer.parseInt(matcher.group(1));
      int max = Integer.parseInt(matcher.group(2));
      if (min < 0 || max <= min) {
        throw new IllegalArgumentException(what + ": " + whole + " needs 0 <= MIN < MAX");
      }
      return data -> Integer.toString(ThreadLocalRandom.current().nextInt(min, max));
    }
    throw new IllegalArgumentException(what + ": unknown template action " + whole);
  }

  private static String field(String field, CallData data) {
    return switch (field) {
      case "WorkerID" -> data.workerId();
      case "RequestNumber" -> Long.toString(data.requestNumber());
      case "SandboxID" -> data.sandboxId();
      case "FullyQualifiedName" -> data.method().descriptor().getFullName();
      case "MethodName" -> data.method().descriptor().getName();
      case "ServiceName" -> data.method().descriptor().getService().getName();
      case "InputName" -> data.method().descriptor().getInputType().getName();
      case "OutputName" -> data.method().descriptor().getOutputType().getName();
      case "IsClientStreaming" -> Boolean.toString(data.method().clientStreaming());
      case "IsServerStreaming" -> Boolean.toString(data.method().serverStreaming());
      case "Timestamp" ->
          DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
              data.timestamp().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
      case "TimestampUnix" -> Long.toString(data.timestamp().getEpochSecond());
      case "TimestampUnixMilli" -> Long.toString(data.timestamp().toEpochMilli());
      case "TimestampUnixNano" ->
          Long.toString(
              data.timestamp().getEpochSecond() * 1_000_000_000L + data.timestamp().getNano());
      default -> data.uuid().toString();
    };
  }

  /** ghz's: a length of 0 or less picks a random length from 2 to 16. */
  private static String randomString(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int size = length > 0 ? length : random.nextInt(2, 17);
    StringBuilder text = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      text.append(CHARSET.charAt(random.nextInt(CHARSET.length())));
    }
    return text.toString();
  }

  /** Whether rendering gives the same text for every call, so it can be done once. */
  boolean isConstant() {
    return constant;
  }

  boolean uses(String field) {
    return fields.contains(field);
  }

  String render(CallData data) {
    StringBuilder text = new StringBuilder();
    for (Part part : parts) {
      text.append(part.apply(data));
    }
    return text.toString();
  }
}
