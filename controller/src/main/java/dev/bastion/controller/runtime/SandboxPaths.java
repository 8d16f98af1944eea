package dev.bastion.controller.runtime;

/** Paths inside every sandbox, shared by the bundle builder and the root filesystem recipe. */
public final class SandboxPaths {
  public static final String WORKSPACE = "/workspace";
  public static final String SOCKET_DIR = "/run/bastion";
  public static final String SOCKET_NAME = "sandboxd.sock";
  public static final String SANDBOXD_DIR = "/opt/bastion";
  public static final String SANDBOXD_JAR = SANDBOXD_DIR + "/sandboxd.jar";

  /** The unprivileged user that sandboxd and every user process run as. */
  public static final int SANDBOX_UID = 1000;

  public static final int SANDBOX_GID = 1000;

  private SandboxPaths() {}
}
