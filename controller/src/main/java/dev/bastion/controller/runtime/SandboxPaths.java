package dev.bastion.controller.runtime;

/** Paths inside every sandbox, shared by the bundle builder and the root filesystem recipe. */
public final class SandboxPaths {
  public static final String WORKSPACE = "/workspace";
  public static final String SOCKET_DIR = "/run/bastion";
  public static final String SOCKET_NAME = "sandboxd.sock";

  /** The file in the socket directory that holds the token sandboxd demands of every caller. */
  public static final String TOKEN_NAME = "token";

  /**
   * The file in the socket directory naming the sandbox's hostname, which sandboxd sets when it
   * serves again after a restore (gVisor restores the hostname that was saved).
   */
  public static final String HOSTNAME_NAME = "hostname";

  /**
   * The file sandboxd writes in the socket directory once it has closed its socket for a
   * checkpoint; {@code CheckpointSignals} in sandboxd.
   */
  public static final String QUIESCED_NAME = "checkpoint-ready";

  public static final String SANDBOXD_DIR = "/opt/bastion";
  public static final String SANDBOXD_JAR = SANDBOXD_DIR + "/sandboxd.jar";

  /** The unprivileged user that every user process runs as and that owns the workspace. */
  public static final int SANDBOX_UID = 1000;

  public static final int SANDBOX_GID = 1000;

  /**
   * The user sandboxd runs as: the sandbox's root, held to {@link OciBundle#SANDBOXD_CAPABILITIES}.
   * runsc 0.0~20221219 gives a non-root process no capabilities after execve (it has no ambient
   * set), and sandboxd needs a few to start processes as {@link #SANDBOX_UID}.
   */
  public static final int SANDBOXD_UID = 0;

  public static final int SANDBOXD_GID = 0;

  private SandboxPaths() {}
}
