package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.reconcile.Timestamps;
import dev.bastion.controller.store.ResourceStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads of sandboxes as their tenant sees them, from memory and without blocking: every lookup is
 * confined to the caller's tenant, so another tenant's sandbox is NOT_FOUND.
 */
final class TenantSandboxes {

  private final ResourceStore store;
  private final SandboxHosts hosts;
  private final TenantNamespaces namespaces;

  TenantSandboxes(ResourceStore store, SandboxHosts hosts, TenantNamespaces namespaces) {
    this.store = store;
    this.hosts = hosts;
    this.namespaces = namespaces;
  }

  /** The caller's sandbox {@code id}; another tenant's sandbox is NOT_FOUND. */
  SandboxView get(String tenant, String id) {
    // Read in place: every Run and Exec asks, and a copy of the Sandbox each time is waste.
    return locate(tenant, id, this::view).orElseThrow(() -> SandboxError.notFound(id));
  }

  /** A copy of the caller's sandbox {@code id}, to change; NOT_FOUND as {@link #get}. */
  Sandbox owned(String tenant, String id) {
    return locate(tenant, id, ModelSerialization::copy)
        .orElseThrow(() -> SandboxError.notFound(id));
  }

  /** The caller's sandboxes matching {@code selector}, oldest first. */
  List<SandboxView> list(String tenant, LabelSelector selector) {
    return namespaces.searchedFor(tenant).stream()
        .flatMap(
            namespace ->
                store.list(Sandbox.class, namespace, Map.of(AgentLabels.TENANT, tenant)).stream())
        .map(this::view)
        .filter(v -> v.phase() != SandboxPhase.TERMINATED && selector.matches(v.labels()))
        .sorted(Comparator.comparing(SandboxView::createdAt))
        .toList();
  }

  /** How many sandboxes, of every tenant, are in {@code phase}. */
  long count(SandboxPhase phase) {
    return store.listAll(Sandbox.class).stream()
        .filter(s -> SandboxViews.phase(s) == phase)
        .count();
  }

  /**
   * Where the sandbox's sandboxd answers; {@code view} is the caller's ({@link #get}) and must be
   * READY, any other phase is a FAILED_PRECONDITION saying what to do.
   */
  SandboxdAddress sandboxdOfReady(SandboxView view) {
    String id = view.id();
    return switch (view.phase()) {
      case READY ->
          store
              .read(Sandbox.class, view.namespace(), id, hosts::sandboxd)
              .orElseThrow(() -> SandboxError.notFound(id));
      case SUSPENDED ->
          throw SandboxError.precondition("sandbox " + id + " is suspended: resume it first");
      case FAILED ->
          throw SandboxError.precondition(
              "sandbox " + id + " has failed (" + view.message() + "): delete it");
      case PENDING, TERMINATED ->
          throw SandboxError.precondition("sandbox " + id + " is not ready yet");
    };
  }

  /**
   * The template a create request would use: its own, or its warm pool's; empty when the pool does
   * not exist (the create itself then says so).
   */
  String templateOf(CreateRequest request) {
    return request.template().isEmpty() ? templateOfPool(request.warmPool()) : request.template();
  }

  /** The template warm pool {@code pool} builds its members from; empty when it does not exist. */
  String templateOfPool(String pool) {
    return store
        .read(
            SandboxWarmPool.class,
            namespaces.shared(),
            pool,
            found -> found.getSpec().getSandboxTemplateRef().getName())
        .orElse("");
  }

  /** What the API shows of {@code sandbox}, with the shutdown time of the claim it serves. */
  SandboxView view(Sandbox sandbox) {
    Instant claimShutdown = null;
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    String claim = labels == null ? null : labels.get(AgentLabels.CLAIM);
    if (claim != null) {
      claimShutdown =
          store
              .read(
                  SandboxClaim.class,
                  namespaces.of(labels.getOrDefault(AgentLabels.TENANT, "")),
                  claim,
                  c ->
                      c.getSpec().getLifecycle() == null
                          ? null
                          : Timestamps.parse(c.getSpec().getLifecycle().getShutdownTime()))
              .orElse(null);
    }
    return SandboxViews.of(sandbox, hosts.runtimeOf(sandbox), claimShutdown);
  }

  /**
   * {@code reader}'s answer about the caller's sandbox {@code id}, read in place where it is: in
   * the tenant's namespace, or in the shared one when a claim of the tenant took a pool member.
   */
  private <R> Optional<R> locate(String tenant, String id, Function<Sandbox, R> reader) {
    for (String namespace : namespaces.searchedFor(tenant)) {
      Optional<R> found =
          store.read(
              Sandbox.class, namespace, id, s -> belongsTo(s, tenant) ? reader.apply(s) : null);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static boolean belongsTo(Sandbox sandbox, String tenant) {
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    return labels != null && tenant.equals(labels.get(AgentLabels.TENANT));
  }
}
