package dev.bastion.controller.model;

import java.util.List;

/**
 * A manifest that cannot be read or used. Its message is one line meant for the person who wrote
 * the manifest: it names the document or object, the field and what is wrong, never Java types.
 */
public class InvalidManifestException extends RuntimeException {

  private final List<String> problems;

  /** One problem, already prefixed with what it is about. */
  public InvalidManifestException(String message) {
    super(oneLine(message));
    this.problems = List.of(oneLine(message));
  }

  /**
   * Several problems of one subject.
   *
   * @param subject what they are about, e.g. {@code Sandbox "a"}; empty when the problems name
   *     their fields fully
   * @param problems one line each, joined by "; " in the message
   */
  public InvalidManifestException(String subject, List<String> problems) {
    super(
        (subject.isEmpty() ? "" : subject + ": ")
            + String.join("; ", problems.stream().map(InvalidManifestException::oneLine).toList()));
    this.problems = problems.stream().map(InvalidManifestException::oneLine).toList();
  }

  /** Each problem on its own, without the subject. */
  public List<String> problems() {
    return problems;
  }

  // The message goes to terminals and gRPC status lines: a stray newline from user text would
  // break it into lines that look like separate errors.
  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n]+", " ");
  }
}
