package dev.bastion.gateway.access;

/**
 * The most the gateway collects of sandboxd's answers to one call it makes itself, whatever
 * sandboxd was asked to keep to: sandboxd runs inside the sandbox, where code that broke out of its
 * user could answer in its place, so its limits are not the gateway's.
 *
 * @param messages answers at most (1 for a unary call)
 * @param bytes serialized bytes of all answers together at most
 */
record AnswerBound(int messages, long bytes) {

  /**
   * Bytes an answer may carry beyond its payload: the status, paths and sizes of a RunResult or
   * FileInfo, and the framing of each chunk.
   */
  static final long ENVELOPE_BYTES = 64 * 1024;

  /** One answer of at most {@code payloadBytes} plus its envelope. */
  static AnswerBound unary(long payloadBytes) {
    return new AnswerBound(1, payloadBytes + ENVELOPE_BYTES);
  }

  /** Any number of answers carrying {@code payloadBytes} together, each chunk framed. */
  static AnswerBound stream(long payloadBytes) {
    return new AnswerBound(Integer.MAX_VALUE, payloadBytes + payloadBytes / 64 + ENVELOPE_BYTES);
  }
}
