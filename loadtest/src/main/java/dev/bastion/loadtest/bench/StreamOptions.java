package dev.bastion.loadtest.bench;

import java.time.Duration;

/**
 * ghz's streaming options.
 *
 * @param interval {@code --stream-interval}: the pause between two messages a client sends
 * @param callDuration {@code --stream-call-duration}: a client stops sending after this long; a
 *     server stream is ended by the client after this long
 * @param callCount {@code --stream-call-count}: a client sends this many messages (cycling through
 *     the data); a server stream is ended by the client after this many messages
 */
record StreamOptions(Duration interval, Duration callDuration, long callCount) {

  static final StreamOptions NONE = new StreamOptions(Duration.ZERO, Duration.ZERO, 0);
}
