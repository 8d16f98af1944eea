package dev.bastion.controller.model;

/**
 * Manifests an attacker would send, shared by the parser's tests and the gateway's attack suite.
 */
public final class HostileManifests {

  private HostileManifests() {}

  /** Ten nodes, then five levels each aliasing the last ten times: 50 aliases, 10^6 leaves. */
  public static String aliasBomb() {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata:\n  name: bomb\n"
                + "spec:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int level = 1; level <= 5; level++) {
      String previous = "*l" + (level - 1);
      yaml.append("  l")
          .append(level)
          .append(": &l")
          .append(level)
          .append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(10, previous)))
          .append("]\n");
    }
    return yaml.toString();
  }
}
