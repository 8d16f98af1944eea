package dev.bastion.controller.store;

import dev.bastion.controller.model.ModelSerialization;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.CustomResource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The embedded mode's store: objects in memory, each write made durable in {@link ResourceFiles}
 * before anyone can see it. Writes to one object are serialised by a lock striped by its key, so
 * writes to different objects (say, fifty claims) proceed in parallel; resourceVersion
 * preconditions make concurrent writers of one object detect each other.
 */
public final class LocalResourceStore implements ResourceStore {

  private static final int STRIPES = 64;

  private final Optional<ResourceFiles> files;
  private final Clock clock;
  private final Map<String, Class<? extends CustomResource<?, ?>>> kinds;
  private final Map<ObjectKey, Stored> objects = new ConcurrentHashMap<>();

  /** Where each stored object is, by uid: owner references name their owner by uid and name. */
  private final Map<String, ObjectKey> keysByUid = new ConcurrentHashMap<>();

  private final Object[] locks = new Object[STRIPES];
  private final AtomicLong versions = new AtomicLong();
  private final List<Consumer<ResourceEvent>> listeners = new CopyOnWriteArrayList<>();

  private LocalResourceStore(
      Optional<ResourceFiles> files,
      Clock clock,
      List<Class<? extends CustomResource<?, ?>>> kinds) {
    this.files = files;
    this.clock = clock;
    this.kinds = new ConcurrentHashMap<>();
    for (Class<? extends CustomResource<?, ?>> kind : kinds) {
      this.kinds.put(HasMetadata.getKind(kind), kind);
    }
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** A store that forgets everything when the process ends (tests). */
  public static LocalResourceStore inMemory(
      Clock clock, List<Class<? extends CustomResource<?, ?>>> kinds) {
    return new LocalResourceStore(Optional.empty(), clock, kinds);
  }

  /**
   * A store kept in {@code dir}, loaded now. Dependents whose owner is gone (a crash between an
   * owner's deletion and its dependents') are deleted, as the garbage collector would.
   */
  public static LocalResourceStore durable(
      Path dir, Clock clock, List<Class<? extends CustomResource<?, ?>>> kinds) {
    LocalResourceStore store =
        new LocalResourceStore(Optional.of(new ResourceFiles(dir)), clock, kinds);
    store.load();
    return store;
  }

  private void load() {
    ResourceFiles disk = files.orElseThrow();
    long highest = 0;
    for (Class<? extends CustomResource<?, ?>> kind : kinds.values()) {
      for (Path file : disk.files(HasMetadata.getPlural(kind))) {
        CustomResource<?, ?> object;
        try {
          object = ModelSerialization.fromJson(ResourceFiles.read(file), kind);
          Objects.requireNonNull(object.getMetadata().getName());
        } catch (RuntimeException e) {
          ResourceFiles.setAside(file, e.getMessage());
          continue;
        }
        objects.put(ObjectKey.of(object), Stored.of(object));
        keysByUid.put(object.getMetadata().getUid(), ObjectKey.of(object));
        highest = Math.max(highest, Long.parseLong(object.getMetadata().getResourceVersion()));
      }
    }
    versions.set(highest);
    Set<String> uids = new HashSet<>();
    objects.values().forEach(o -> uids.add(o.object().getMetadata().getUid()));
    for (Stored stored : List.copyOf(objects.values())) {
      CustomResource<?, ?> object = stored.object();
      List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
      if (owners != null
          && !owners.isEmpty()
          && owners.stream().noneMatch(o -> uids.contains(o.getUid()))) {
        delete(object.getClass(), object.getMetadata().getNamespace(), name(object), null);
      }
    }
  }

  @Override
  public <T extends CustomResource<?, ?>> Optional<T> get(
      Class<T> kind, String namespace, String name) {
    return Optional.ofNullable(objects.get(new ObjectKey(kindOf(kind), namespace, name)))
        .map(stored -> kind.cast(stored.copy()));
  }

  @Override
  public <T extends CustomResource<?, ?>, R> Optional<R> read(
      Class<T> kind, String namespace, String name, Function<? super T, R> reader) {
    return Optional.ofNullable(objects.get(new ObjectKey(kindOf(kind), namespace, name)))
        .map(stored -> reader.apply(kind.cast(stored.object())));
  }

  @Override
  public <T extends CustomResource<?, ?>> List<T> list(
      Class<T> kind, String namespace, Map<String, String> matchLabels) {
    return list(kind, namespace, object -> hasLabels(object, matchLabels));
  }

  @Override
  public <T extends CustomResource<?, ?>> List<T> list(
      Class<T> kind, String namespace, Predicate<? super T> filter) {
    return stored(kind, namespace, filter)
        .map(stored -> kind.cast(stored.copy()))
        .sorted(ResourceOrder.oldestFirst())
        .toList();
  }

  @Override
  public <T extends CustomResource<?, ?>> List<String> names(
      Class<T> kind, String namespace, Predicate<Map<String, String>> labels) {
    return stored(
            kind,
            namespace,
            object -> {
              Map<String, String> objectLabels = object.getMetadata().getLabels();
              return labels.test(objectLabels == null ? Map.of() : objectLabels);
            })
        .map(stored -> name(stored.object()))
        .toList();
  }

  @Override
  public <T extends CustomResource<?, ?>> int count(
      Class<T> kind, String namespace, Predicate<? super T> filter) {
    return (int) stored(kind, namespace, filter).count();
  }

  /**
   * The stored objects {@code filter} accepts, not copied: stored objects are never changed in
   * place (every write stores a new copy), so they can be read without the stripe locks.
   */
  private <T extends CustomResource<?, ?>> Stream<Stored> stored(
      Class<T> kind, String namespace, Predicate<? super T> filter) {
    String kindName = kindOf(kind);
    return objects.entrySet().stream()
        .filter(
            entry ->
                entry.getKey().kind().equals(kindName)
                    && (namespace == null || entry.getKey().namespace().equals(namespace)))
        .map(Map.Entry::getValue)
        .filter(stored -> filter.test(kind.cast(stored.object())));
  }

  @Override
  public <T extends CustomResource<?, ?>> List<ObjectKey> keys(Class<T> kind) {
    return stored(kind, null, object -> true).map(stored -> ObjectKey.of(stored.object())).toList();
  }

  @Override
  public <T extends CustomResource<?, ?>> List<T> listAll(Class<T> kind) {
    return list(kind, null, Map.of());
  }

  @Override
  public <T extends CustomResource<?, ?>> T create(T object) {
    T created = copy(object);
    ObjectMeta meta = created.getMetadata();
    if (meta == null || meta.getName() == null || meta.getNamespace() == null) {
      throw new IllegalArgumentException("an object needs a name and a namespace");
    }
    ObjectKey key = ObjectKey.of(created);
    Stored stored;
    synchronized (lock(key)) {
      if (objects.containsKey(key)) {
        throw new StoreException(
            StoreException.Reason.ALREADY_EXISTS,
            key.kind() + " \"" + key.name() + "\" already exists");
      }
      meta.setUid(UUID.randomUUID().toString());
      meta.setGeneration(1L);
      meta.setCreationTimestamp(clock.instant().toString());
      meta.setDeletionTimestamp(null);
      created.setStatus(null);
      stored = commit(key, created, true);
      keysByUid.put(meta.getUid(), key);
    }
    fire(key, created, ResourceEvent.Change.ADDED);
    return stored.copy();
  }

  @Override
  public <T extends CustomResource<?, ?>> T update(T object) {
    ObjectKey key = ObjectKey.of(object);
    T next = copy(object);
    List<OwnerReference> previousOwners;
    Stored committed;
    synchronized (lock(key)) {
      Stored currentStored = current(key, object);
      T current = cast(currentStored);
      ObjectMeta meta = next.getMetadata();
      ObjectMeta stored = current.getMetadata();
      boolean specChanged =
          !ModelSerialization.toJson(current.getSpec())
              .equals(ModelSerialization.toJson(next.getSpec()));
      boolean metadataChanged =
          !Objects.equals(stored.getLabels(), meta.getLabels())
              || !Objects.equals(stored.getAnnotations(), meta.getAnnotations())
              || !Objects.equals(stored.getOwnerReferences(), meta.getOwnerReferences())
              || !Objects.equals(stored.getFinalizers(), meta.getFinalizers());
      if (!specChanged && !metadataChanged) {
        return currentStored.copy();
      }
      meta.setUid(stored.getUid());
      meta.setCreationTimestamp(stored.getCreationTimestamp());
      meta.setGeneration(stored.getGeneration() + (specChanged ? 1 : 0));
      // The stored object is never changed in place, so its status can be shared.
      setStatus(next, current.getStatus());
      committed = commit(key, next, true);
      previousOwners = stored.getOwnerReferences();
    }
    fire(key, next, ResourceEvent.Change.UPDATED, previousOwners);
    return committed.copy();
  }

  @Override
  public <T extends CustomResource<?, ?>> T updateStatus(T object) {
    ObjectKey key = ObjectKey.of(object);
    String status = ModelSerialization.toJson(object.getStatus());
    T next;
    Stored committed;
    synchronized (lock(key)) {
      Stored current = current(key, object);
      if (ModelSerialization.toJson(current.object().getStatus()).equals(status)) {
        return current.copy();
      }
      next = current.copy();
      // Parsed from the JSON just compared: a copy of the caller's status without another pass.
      setStatus(
          next,
          object.getStatus() == null
              ? null
              : ModelSerialization.fromJson(status, object.getStatus().getClass()));
      committed = commit(key, next, false);
    }
    fire(key, next, ResourceEvent.Change.STATUS);
    return committed.copy();
  }

  @Override
  public <T extends CustomResource<?, ?>> boolean delete(
      Class<T> kind, String namespace, String name, String resourceVersion) {
    ObjectKey key = new ObjectKey(kindOf(kind), namespace, name);
    CustomResource<?, ?> removed;
    synchronized (lock(key)) {
      Stored stored = objects.get(key);
      if (stored == null) {
        return false;
      }
      removed = stored.object();
      if (resourceVersion != null
          && !resourceVersion.equals(removed.getMetadata().getResourceVersion())) {
        throw conflict(key);
      }
      files.ifPresent(disk -> disk.remove(HasMetadata.getPlural(kind), namespace, name));
      objects.remove(key);
      keysByUid.remove(removed.getMetadata().getUid());
    }
    fire(key, removed, ResourceEvent.Change.DELETED);
    deleteDependents(removed);
    return true;
  }

  /** Background cascade: what the Kubernetes garbage collector does for owner references. */
  private void deleteDependents(CustomResource<?, ?> owner) {
    String uid = owner.getMetadata().getUid();
    for (Map.Entry<ObjectKey, Stored> entry : objects.entrySet()) {
      List<OwnerReference> refs = entry.getValue().object().getMetadata().getOwnerReferences();
      if (refs != null && refs.stream().anyMatch(r -> uid.equals(r.getUid()))) {
        ObjectKey key = entry.getKey();
        delete(kinds.get(key.kind()), key.namespace(), key.name(), null);
      }
    }
  }

  @Override
  public void watch(Consumer<ResourceEvent> listener) {
    listeners.add(listener);
  }

  private Stored current(ObjectKey key, CustomResource<?, ?> object) {
    Stored current = objects.get(key);
    if (current == null) {
      throw new StoreException(
          StoreException.Reason.NOT_FOUND, key.kind() + " \"" + key.name() + "\" does not exist");
    }
    if (!Objects.equals(
        current.object().getMetadata().getResourceVersion(),
        object.getMetadata().getResourceVersion())) {
      throw conflict(key);
    }
    return current;
  }

  /**
   * Stores {@code object} with a new resourceVersion, then makes it visible; {@code durable} waits
   * for the disk. Status writes are not durable: status is recomputed from observation on every
   * pass, so after a crash an older status shows until the next one, while the fsyncs saved keep a
   * burst of claims from queueing on the disk.
   */
  private Stored commit(ObjectKey key, CustomResource<?, ?> object, boolean durable) {
    object.getMetadata().setResourceVersion(Long.toString(versions.incrementAndGet()));
    Stored stored = Stored.of(object);
    files.ifPresent(
        disk ->
            disk.write(
                HasMetadata.getPlural(object.getClass()),
                key.namespace(),
                key.name(),
                stored.json(),
                durable));
    objects.put(key, stored);
    return stored;
  }

  private void fire(ObjectKey key, CustomResource<?, ?> object, ResourceEvent.Change change) {
    fire(key, object, change, null);
  }

  /**
   * Tells listeners; an update that changed owners names the previous ones too, so a pool hears
   * that a claim took its member.
   */
  private void fire(
      ObjectKey key,
      CustomResource<?, ?> object,
      ResourceEvent.Change change,
      List<OwnerReference> previousOwners) {
    Set<OwnerReference> owners = new LinkedHashSet<>();
    if (object.getMetadata().getOwnerReferences() != null) {
      owners.addAll(object.getMetadata().getOwnerReferences());
    }
    if (previousOwners != null) {
      owners.addAll(previousOwners);
    }
    List<ObjectKey> ownerKeys =
        owners.stream()
            .map(
                owner ->
                    keysByUid.getOrDefault(
                        owner.getUid(),
                        new ObjectKey(owner.getKind(), key.namespace(), owner.getName())))
            .distinct()
            .toList();
    ResourceEvent event =
        new ResourceEvent(key.kind(), key.namespace(), key.name(), ownerKeys, change);
    listeners.forEach(listener -> listener.accept(event));
  }

  private static StoreException conflict(ObjectKey key) {
    return new StoreException(
        StoreException.Reason.CONFLICT,
        key.kind() + " \"" + key.name() + "\" was changed meanwhile: read it again");
  }

  private static boolean hasLabels(HasMetadata object, Map<String, String> wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(wanted.entrySet());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setStatus(CustomResource target, Object status) {
    target.setStatus(status);
  }

  private static <T extends HasMetadata> T copy(T object) {
    return ModelSerialization.copy(object);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Stored stored) {
    return (T) stored.object();
  }

  /**
   * A stored object and its JSON, made once when it is written: copies handed out are parsed from
   * the JSON, half the work of a deep copy, and the disk gets the same text.
   */
  private record Stored(CustomResource<?, ?> object, String json) {
    static Stored of(CustomResource<?, ?> object) {
      return new Stored(object, ModelSerialization.toJson(object));
    }

    @SuppressWarnings("unchecked")
    <T extends CustomResource<?, ?>> T copy() {
      return (T) ModelSerialization.fromJson(json, object.getClass());
    }
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private String kindOf(Class<?> kind) {
    @SuppressWarnings("unchecked")
    String name = HasMetadata.getKind((Class<? extends HasMetadata>) kind);
    if (!kinds.containsKey(name)) {
      throw new IllegalArgumentException("this store does not hold " + name);
    }
    return name;
  }

  private Object lock(ObjectKey key) {
    return locks[Math.floorMod(key.hashCode(), STRIPES)];
  }
}
