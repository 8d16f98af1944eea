package dev.bastion.controller.reconcile;

/** Which object a reconcile is about. */
public record ObjectKey(String kind, String namespace, String name) {

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
