package dev.bastion.controller.runtime;

/** What the runtime says about one container. */
public enum ContainerState {
  CREATED,
  RUNNING,
  PAUSED,
  STOPPED;

  static ContainerState parse(String status) {
    return switch (status) {
      case "created", "creating" -> CREATED;
      case "running" -> RUNNING;
      case "paused" -> PAUSED;
      default -> STOPPED;
    };
  }
}
