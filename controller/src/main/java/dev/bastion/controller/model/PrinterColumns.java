package dev.bastion.controller.model;

/**
 * JSONPaths of the columns {@code kubectl get} shows for the kinds, shared by the kinds that show
 * the same column. A CRD with columns of its own loses kubectl's default AGE column, so each kind
 * lists {@link #AGE} again.
 */
final class PrinterColumns {

  static final String READY_STATUS =
      ".status.conditions[?(@.type==\"" + SandboxConditions.READY + "\")].status";
  static final String READY_REASON =
      ".status.conditions[?(@.type==\"" + SandboxConditions.READY + "\")].reason";
  static final String AGE = ".metadata.creationTimestamp";

  private PrinterColumns() {}
}
