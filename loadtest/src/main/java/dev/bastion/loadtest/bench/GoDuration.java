package dev.bastion.loadtest.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations written as Go writes them, as ghz takes them: {@code 10s}, {@code 1m30s}, {@code
 * 250ms}, {@code 1.5h}, {@code 0}. Units: ns, us (or µs), ms, s, m, h; a number needs a unit unless
 * it is 0.
 */
final class GoDuration implements ITypeConverter<Duration> {

  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String text) {
    String value = text.strip();
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    Matcher part = PART.matcher(value);
    long nanos = 0;
    int at = 0;
    while (at < value.length() && part.find(at) && part.start() == at) {
      nanos += Math.round(Double.parseDouble(part.group(1)) * nanosPer(part.group(2)));
      at = part.end();
    }
    if (at == 0 || at != value.length()) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration (examples: 10s, 1m30s, 250ms, 0)");
    }
    return Duration.ofNanos(nanos);
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "ns" -> 1;
      case "us", "µs", "μs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      default -> 3600e9;
    };
  }
}
