package dev.bastion.controller.sandbox;

import dev.bastion.controller.runtime.SandboxCgroups;
import dev.bastion.controller.runtime.SandboxLimits;
import java.util.Optional;

/** Turns what the cgroups recorded into the one-line reason a FAILED sandbox shows. */
public final class DeathReasons {

  private static final String OOM_PREFIX = "out of memory";

  private DeathReasons() {}

  public static String describe(Optional<SandboxCgroups.Cause> cause, SandboxLimits limits) {
    if (cause.isEmpty()) {
      return "the sandbox stopped unexpectedly";
    }
    return switch (cause.get()) {
      case OUT_OF_MEMORY ->
          OOM_PREFIX
              + ": the sandbox used more than its "
              + (limits.memoryBytes() >> 20)
              + "Mi memory limit and was stopped";
      case PROCESS_LIMIT ->
          "process limit reached: the sandbox needed more than "
              + limits.pids()
              + " host tasks and was stopped";
    };
  }

  /** Whether a FAILED sandbox's message says it ran out of memory. */
  public static boolean isOutOfMemory(String message) {
    return message.startsWith(OOM_PREFIX);
  }
}
