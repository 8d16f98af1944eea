package dev.bastion.controller.admin;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ManifestValidator;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.policy.ToolPolicyCompiler;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.Retries;
import dev.bastion.controller.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code bastion apply/get/delete} on the server: manifests in, objects in the store. Templates and
 * warm pools are shared by every tenant and only admins may change them; Sandboxes and claims
 * belong to the tenant that applied them and are invisible to the others. A whole file is checked
 * before anything in it is written. Calls block: run them on a worker.
 */
public final class ResourceAdmin {

  private final ResourceStore store;
  private final Consumer<HasMetadata> localCheck;

  /**
   * @param localCheck rejects, with an {@link InvalidManifestException}, what cannot run in this
   *     mode (e.g. pod fields that cannot apply on one machine)
   */
  public ResourceAdmin(ResourceStore store, Consumer<HasMetadata> localCheck) {
    this.store = store;
    this.localCheck = localCheck;
  }

  /** What applying one object did. */
  public record Applied(String kind, String name, String action) {}

  /** A caller of the admin API. */
  public record Caller(String tenant, boolean admin) {}

  /**
   * Applies every object in {@code yaml}, or none when one is refused.
   *
   * @param admission asked about each object once it is valid, before any is written; it refuses
   *     one by throwing a {@link SandboxError} (the gateway asks its policies here, since applying
   *     a Sandbox or claim creates a sandbox as Sandboxes.Create does)
   */
  public List<Applied> apply(Caller caller, String yaml, Consumer<HasMetadata> admission) {
    List<HasMetadata> objects;
    try {
      objects = Manifests.parse(yaml);
    } catch (InvalidManifestException e) {
      throw SandboxError.invalid(e.getMessage());
    }
    if (objects.isEmpty()) {
      throw SandboxError.invalid("the file holds no objects");
    }
    for (HasMetadata object : objects) {
      prepare(caller, object);
      admission.accept(object);
    }
    List<Applied> results = new ArrayList<>();
    for (HasMetadata object : objects) {
      results.add(applyRetryingConflicts(caller, asResource(object)));
    }
    return results;
  }

  /**
   * Applies with a fresh read after a conflict: the controller writes status all the time, and an
   * apply replaces the spec whatever version it read, as {@code kubectl apply} does.
   */
  private Applied applyRetryingConflicts(Caller caller, CustomResource<?, ?> object) {
    try {
      return Retries.on(
          () -> applyOne(caller, ModelSerialization.copy(object)),
          // Created by someone else meanwhile: apply onto it.
          e -> StoreException.isConflict(e) || e.reason() == StoreException.Reason.ALREADY_EXISTS);
    } catch (StoreException e) {
      throw new SandboxError(SandboxError.Kind.UNAVAILABLE, e.getMessage() + "; apply again");
    }
  }

  /** The objects of {@code kind} the caller may see, or the one named {@code name}. */
  public List<HasMetadata> get(Caller caller, String kind, Optional<String> name) {
    Class<? extends CustomResource<?, ?>> type = ResourceKinds.resolve(kind);
    if (name.isPresent()) {
      return List.of(visible(caller, type, name.get()));
    }
    List<HasMetadata> visible = new ArrayList<>();
    for (CustomResource<?, ?> object :
        store.list(type, SandboxService.DEFAULT_NAMESPACE, Map.of())) {
      if (canSee(caller, object)) {
        visible.add(object);
      }
    }
    return visible;
  }

  /**
   * Deletes one object; returns its canonical kind.
   *
   * @param admission asked about the object before it is deleted, as in {@link #apply}
   */
  public String delete(Caller caller, String kind, String name, Consumer<HasMetadata> admission) {
    Class<? extends CustomResource<?, ?>> type = ResourceKinds.resolve(kind);
    HasMetadata object = visible(caller, type, name);
    requireWriteAccess(caller, object);
    admission.accept(object);
    store.delete(type, SandboxService.DEFAULT_NAMESPACE, name, null);
    return object.getKind();
  }

  /** Whether {@code kind} (as users type it) names Sandboxes or claims: agents' own objects. */
  public static boolean isAgentKind(String kind) {
    Class<?> type = ResourceKinds.resolve(kind);
    return type == Sandbox.class || type == SandboxClaim.class;
  }

  private void prepare(Caller caller, HasMetadata object) {
    requireWriteAccess(caller, object);
    String namespace = object.getMetadata().getNamespace();
    if (namespace != null && !namespace.equals(SandboxService.DEFAULT_NAMESPACE)) {
      throw SandboxError.invalid(
          describe(object)
              + ": embedded mode has one namespace, \""
              + SandboxService.DEFAULT_NAMESPACE
              + "\"");
    }
    object.getMetadata().setNamespace(SandboxService.DEFAULT_NAMESPACE);
    try {
      ManifestValidator.check(object);
      if (object instanceof ToolPolicy policy) {
        // Refused now, with the CEL error, rather than failing calls later.
        ToolPolicyCompiler.compile(policy);
      }
    } catch (InvalidManifestException e) {
      throw SandboxError.invalid(e.getMessage());
    }
    try {
      localCheck.accept(object);
    } catch (InvalidManifestException e) {
      throw SandboxError.invalid(describe(object) + ": " + e.getMessage());
    }
    if (object instanceof Sandbox || object instanceof SandboxClaim) {
      Map<String, String> labels =
          object.getMetadata().getLabels() == null
              ? new HashMap<>()
              : new HashMap<>(object.getMetadata().getLabels());
      String claimed = labels.get(AgentLabels.TENANT);
      if (claimed != null && !claimed.equals(caller.tenant()) && !caller.admin()) {
        throw new SandboxError(
            SandboxError.Kind.PERMISSION_DENIED,
            describe(object) + ": only an admin may apply objects for another tenant");
      }
      labels.putIfAbsent(AgentLabels.TENANT, caller.tenant());
      object.getMetadata().setLabels(labels);
    }
  }

  private <T extends CustomResource<?, ?>> Applied applyOne(Caller caller, T object) {
    String kind = object.getKind();
    String name = object.getMetadata().getName();
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) object.getClass();
    Optional<T> existing = store.get(type, SandboxService.DEFAULT_NAMESPACE, name);
    if (existing.isEmpty()) {
      store.create(object);
      return new Applied(kind, name, "created");
    }
    T current = existing.get();
    if (!canSee(caller, current)) {
      throw new SandboxError(
          SandboxError.Kind.ALREADY_EXISTS,
          kind + " \"" + name + "\" exists and belongs to another tenant; choose another name");
    }
    String version = current.getMetadata().getResourceVersion();
    current.getMetadata().setLabels(object.getMetadata().getLabels());
    current.getMetadata().setAnnotations(object.getMetadata().getAnnotations());
    setSpec(current, object.getSpec());
    T updated = store.update(current);
    return new Applied(
        kind,
        name,
        version.equals(updated.getMetadata().getResourceVersion()) ? "unchanged" : "configured");
  }

  private HasMetadata visible(
      Caller caller, Class<? extends CustomResource<?, ?>> type, String name) {
    return store
        .get(type, SandboxService.DEFAULT_NAMESPACE, name)
        .filter(o -> canSee(caller, o))
        .orElseThrow(
            () ->
                new SandboxError(
                    SandboxError.Kind.NOT_FOUND,
                    HasMetadata.getKind(type) + " \"" + name + "\" not found"));
  }

  /**
   * Templates and pools are visible to all; a tenant's own objects only to it (and admins);
   * policies only to admins: their rules would show an agent what to try around them.
   */
  private static boolean canSee(Caller caller, HasMetadata object) {
    if (caller.admin()) {
      return true;
    }
    if (object instanceof ToolPolicy) {
      return false;
    }
    if (!(object instanceof Sandbox || object instanceof SandboxClaim)) {
      return true;
    }
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && caller.tenant().equals(labels.get(AgentLabels.TENANT));
  }

  private static void requireWriteAccess(Caller caller, HasMetadata object) {
    boolean shared =
        object instanceof SandboxTemplate
            || object instanceof SandboxWarmPool
            || object instanceof ToolPolicy;
    if (shared && !caller.admin()) {
      throw new SandboxError(
          SandboxError.Kind.PERMISSION_DENIED,
          "only admin tenants may change "
              + object.getKind()
              + " objects ("
              + describe(object)
              + ")");
    }
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + " \"" + object.getMetadata().getName() + "\"";
  }

  private static CustomResource<?, ?> asResource(HasMetadata object) {
    return (CustomResource<?, ?>) object;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setSpec(CustomResource target, Object spec) {
    target.setSpec(spec);
  }
}
