package dev.bastion.controller.sandbox;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.Condition;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits, each within the ready timeout, for the controller to have made a sandbox what a command
 * asked: claimed, READY or stopped. A wait that cannot end well fails at once with the reason.
 */
final class SandboxReadiness {

  private final ObjectWaiter waiter;
  private final ResourceStore store;
  private final WorkerExecutor worker;
  private final TenantSandboxes reads;
  private final TenantNamespaces namespaces;
  private final EmbeddedOptions options;

  SandboxReadiness(
      ObjectWaiter waiter,
      ResourceStore store,
      WorkerExecutor worker,
      TenantSandboxes reads,
      TenantNamespaces namespaces,
      EmbeddedOptions options) {
    this.waiter = waiter;
    this.store = store;
    this.worker = worker;
    this.reads = reads;
    this.namespaces = namespaces;
    this.options = options;
  }

  /**
   * Where the sandbox serving {@code claim} is, once it has one: in the claim's namespace when it
   * started cold, in the pools' when the claim took a pool member.
   */
  Future<ObjectKey> awaitClaimed(SandboxClaim claim) {
    String name = claim.getMetadata().getName();
    String namespace = claim.getMetadata().getNamespace();
    return waiter.await(
        SandboxClaim.class,
        namespace,
        name,
        found -> {
          SandboxClaim current =
              found.orElseThrow(
                  () -> SandboxError.unavailable("the claim was deleted while it was served"));
          if (current.getStatus() == null) {
            return Optional.empty();
          }
          if (current.getStatus().getSandbox() != null) {
            String sandbox = current.getStatus().getSandbox().getName();
            boolean cold =
                store
                    .read(
                        Sandbox.class,
                        namespace,
                        sandbox,
                        s -> Owners.isControlledBy(s, current) ? s : null)
                    .isPresent();
            return Optional.of(
                new ObjectKey("Sandbox", cold ? namespace : namespaces.shared(), sandbox));
          }
          Optional<Condition> ready =
              Conditions.find(current.getStatus().getConditions(), SandboxConditions.READY);
          if (ready.isPresent() && !"SandboxCreatePending".equals(ready.get().getReason())) {
            worker.executeBlocking(
                () -> store.delete(SandboxClaim.class, namespace, name, null), false);
            throw new SandboxError(SandboxError.Kind.INVALID_ARGUMENT, ready.get().getMessage());
          }
          return Optional.empty();
        },
        options.readyTimeout(),
        notWithinTimeout("no sandbox was found for the claim"));
  }

  /**
   * How long a create waits for its image to be pulled, before the ready timeout starts: as long as
   * skopeo itself is given.
   */
  static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

  /**
   * Completes when sandbox {@code name} is READY; fails when it cannot become so. Pulling its image
   * does not count against the ready timeout: that is for sandboxd to come up.
   */
  Future<SandboxView> awaitReady(String namespace, String name) {
    return awaitPulled(namespace, name).compose(pulled -> awaitStarted(namespace, name));
  }

  /**
   * Completes once the controller has looked at sandbox {@code name} and is not pulling its image.
   */
  private Future<Boolean> awaitPulled(String namespace, String name) {
    return waiter.await(
        Sandbox.class,
        namespace,
        name,
        // Until its first pass the controller has said nothing: that is no pull done.
        found ->
            found.isEmpty()
                    || SandboxConditions.isReady(found.get())
                    || SandboxConditions.readyReason(found.get())
                        .filter(reason -> !reason.equals(SandboxConditions.IMAGE_PULLING))
                        .isPresent()
                ? Optional.of(true)
                : Optional.empty(),
        PULL_TIMEOUT,
        SandboxError.unavailable(
            "the sandbox's image was not pulled within " + PULL_TIMEOUT.toMinutes() + " minutes"));
  }

  private Future<SandboxView> awaitStarted(String namespace, String name) {
    return waiter.await(
        Sandbox.class,
        namespace,
        name,
        found -> {
          Sandbox sandbox =
              found.orElseThrow(
                  () -> SandboxError.unavailable("the sandbox was deleted while it started"));
          SandboxView view = reads.view(sandbox);
          return switch (view.phase()) {
            case READY -> Optional.of(view);
            case FAILED, TERMINATED -> throw startFailure(sandbox, view);
            case PENDING, SUSPENDED -> Optional.empty();
          };
        },
        options.readyTimeout(),
        notWithinTimeout("the sandbox did not become ready"));
  }

  /**
   * Why a sandbox did not start, as an API error: an image that cannot be pulled or run is the
   * caller's to fix (FAILED_PRECONDITION, naming the image); anything else may pass.
   */
  private static SandboxError startFailure(Sandbox sandbox, SandboxView view) {
    if (SandboxConditions.readyReason(sandbox)
        .equals(Optional.of(SandboxConditions.IMAGE_PULL_FAILED))) {
      return SandboxError.precondition(view.message());
    }
    return SandboxError.unavailable("sandbox failed to start: " + view.message());
  }

  /** Completes when sandbox {@code id}'s container is gone and its workspace kept. */
  Future<SandboxView> awaitSuspended(String namespace, String id) {
    return waiter.await(
        Sandbox.class,
        namespace,
        id,
        found -> {
          Sandbox sandbox = found.orElseThrow(() -> SandboxError.notFound(id));
          boolean stopped =
              sandbox.getStatus() != null
                  && Conditions.isTrue(
                      sandbox.getStatus().getConditions(), SandboxConditions.SUSPENDED);
          return stopped ? Optional.of(reads.view(sandbox)) : Optional.empty();
        },
        options.readyTimeout(),
        notWithinTimeout("the sandbox did not stop"));
  }

  /** The failure of a wait that ran out of time, saying {@code what} did not happen within it. */
  private SandboxError notWithinTimeout(String what) {
    return SandboxError.unavailable(what + " within " + options.readyTimeout().toSeconds() + "s");
  }
}
