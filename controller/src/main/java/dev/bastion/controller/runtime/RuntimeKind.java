package dev.bastion.controller.runtime;

import java.util.Locale;

/** The OCI runtimes Bastion can run sandboxes with on one machine. */
public enum RuntimeKind {
  /** gVisor: a user-space kernel between the sandbox and the host. The default. */
  GVISOR("gvisor", "runsc", true),
  /** crun: namespaces and seccomp on the host kernel. Faster, but a kernel exploit escapes it. */
  CRUN("crun", "crun", false);

  private final String id;
  private final String binary;
  private final boolean separateKernel;

  RuntimeKind(String id, String binary, boolean separateKernel) {
    this.id = id;
    this.binary = binary;
    this.separateKernel = separateKernel;
  }

  /** The name used on the command line and in the API ("gvisor", "crun"). */
  public String id() {
    return id;
  }

  /** The executable that implements it. */
  public String binary() {
    return binary;
  }

  /** Whether sandboxed code runs against a kernel of its own rather than the host's. */
  public boolean separateKernel() {
    return separateKernel;
  }

  /** Parses a runtime name; the message lists the valid ones. */
  public static RuntimeKind parse(String name) {
    for (RuntimeKind kind : values()) {
      if (kind.id.equals(name.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown runtime '" + name + "': use gvisor or crun");
  }
}
