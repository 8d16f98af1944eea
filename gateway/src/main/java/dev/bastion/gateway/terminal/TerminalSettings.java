package dev.bastion.gateway.terminal;

import java.time.Duration;

/**
 * How long terminals may stay quiet.
 *
 * @param pingInterval how often the gateway pings the client; a client that has not answered the
 *     last ping by the next one is gone, and its terminal is closed
 * @param idleTimeout how long a terminal may pass no bytes either way before it is closed (1001
 *     "idle")
 */
public record TerminalSettings(Duration pingInterval, Duration idleTimeout) {

  /** Property names that override the defaults, in seconds (tests shorten them). */
  static final String PING_PROPERTY = "bastion.terminal.ping-seconds";

  static final String IDLE_PROPERTY = "bastion.terminal.idle-seconds";

  public TerminalSettings {
    if (pingInterval.isNegative() || pingInterval.isZero()) {
      throw new IllegalArgumentException("the ping interval must be positive");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("the idle timeout must be positive");
    }
  }

  /** 30 s pings and a 15 minute idle timeout, unless the system properties above say otherwise. */
  public static TerminalSettings fromSystemProperties() {
    return new TerminalSettings(
        Duration.ofSeconds(Long.getLong(PING_PROPERTY, 30)),
        Duration.ofSeconds(Long.getLong(IDLE_PROPERTY, 15 * 60)));
  }
}
