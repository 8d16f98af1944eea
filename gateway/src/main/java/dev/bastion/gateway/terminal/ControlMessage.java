package dev.bastion.gateway.terminal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The JSON control messages that travel in text frames: the client's {@code
 * {"type":"resize","cols":C,"rows":R}} and the server's {@code {"type":"exit","code":N}}.
 */
final class ControlMessage {

  /** Longer text frames are not control messages: refused without parsing. */
  static final int MAX_CHARS = 1024;

  /** A terminal size the client asks for. */
  record Resize(int cols, int rows) {}

  private ControlMessage() {}

  /**
   * The resize that {@code text} asks for.
   *
   * @throws IllegalArgumentException with a reason short enough for a close frame when it is not a
   *     valid resize message
   */
  static Resize parseResize(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("control message too long");
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("control message is not a JSON object");
    }
    if (!"resize".equals(json.getValue("type"))) {
      throw new IllegalArgumentException("unknown control message type");
    }
    return new Resize(size(json.getValue("cols")), size(json.getValue("rows")));
  }

  /** The server's last message before it closes: how the shell exited. */
  static String exit(int code) {
    return "{\"type\":\"exit\",\"code\":" + code + "}";
  }

  private static int size(Object value) {
    if (value instanceof Integer size && size >= 1 && size <= TerminalHandshake.MAX_SIZE) {
      return size;
    }
    throw new IllegalArgumentException(
        "resize needs cols and rows from 1 to " + TerminalHandshake.MAX_SIZE);
  }
}
