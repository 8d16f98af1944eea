package dev.bastion.sandboxd;

import io.vertx.core.Vertx;
import sun.misc.Signal;

/**
 * The host's two signals around a checkpoint ({@code runsc kill ID SIG}; tini passes them on):
 * SIGUSR1 closes sandboxd's socket so that gVisor can save the sandbox, SIGHUP serves again, in the
 * sandbox that kept running or in a copy restored from its image. SIGUSR2 would be the pair of
 * SIGUSR1, but HotSpot keeps it for itself; a reload on SIGHUP is what daemons do anyway. Nothing
 * in the sandbox can send either: its processes run as another user without CAP_KILL.
 */
final class CheckpointSignals {

  static final String QUIESCE = "USR1";
  static final String REBIND = "HUP";

  private CheckpointSignals() {}

  /** Routes the two signals to {@code server} on its event loop. */
  static void install(Vertx vertx, SandboxdServer server) {
    Signal.handle(new Signal(QUIESCE), signal -> vertx.runOnContext(v -> server.quiesce()));
    Signal.handle(new Signal(REBIND), signal -> vertx.runOnContext(v -> server.rebind()));
  }
}
