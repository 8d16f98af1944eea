package dev.bastion.controller.store;

import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where the Agent Sandbox objects live: the local durable store in embedded mode, the API server in
 * Kubernetes mode. Semantics follow the Kubernetes API so reconcilers are written once: every write
 * but create carries the resourceVersion it read and fails with {@link
 * StoreException.Reason#CONFLICT} when the object changed meanwhile; spec and status are written
 * separately; deleting an owner deletes its dependents.
 *
 * <p>Reads are served from memory (this store's objects, or an informer's cache on Kubernetes) and
 * do not block, though copying objects costs CPU. Writes may block (disk, network): call them on a
 * worker thread, never on an event loop. Objects going in and out are copies; changing one changes
 * nothing in the store.
 */
public interface ResourceStore {

  <T extends CustomResource<?, ?>> Optional<T> get(Class<T> kind, String namespace, String name);

  /**
   * The object as it is now, past any cache: for finding out, after a conflict, what a concurrent
   * writer did. Blocks on Kubernetes (one GET); the same as {@link #get} where reads are current.
   */
  default <T extends CustomResource<?, ?>> Optional<T> getLatest(
      Class<T> kind, String namespace, String name) {
    return get(kind, namespace, name);
  }

  /**
   * What {@code reader} makes of the object, without copying it: the reader sees the stored object
   * (or the informer's cached one) and must only read it, never keep or change it. The cheap way to
   * look at an object many times, as waiters and the claim path do.
   */
  <T extends CustomResource<?, ?>, R> Optional<R> read(
      Class<T> kind, String namespace, String name, Function<? super T, R> reader);

  /** Whether the object exists; copies nothing. */
  default <T extends CustomResource<?, ?>> boolean exists(
      Class<T> kind, String namespace, String name) {
    return read(kind, namespace, name, object -> Boolean.TRUE).isPresent();
  }

  /** The objects of {@code kind} in {@code namespace} whose labels include {@code matchLabels}. */
  <T extends CustomResource<?, ?>> List<T> list(
      Class<T> kind, String namespace, Map<String, String> matchLabels);

  /**
   * The objects of {@code kind} in {@code namespace} that {@code filter} accepts. The filter sees
   * the stored object and must only read it; only accepted objects are copied, so this is the cheap
   * way to find a few objects among many.
   */
  <T extends CustomResource<?, ?>> List<T> list(
      Class<T> kind, String namespace, Predicate<? super T> filter);

  /** How many objects of {@code kind} in {@code namespace} {@code filter} accepts; copies none. */
  <T extends CustomResource<?, ?>> int count(
      Class<T> kind, String namespace, Predicate<? super T> filter);

  /**
   * The names of the objects of {@code kind} in {@code namespace} whose labels satisfy {@code
   * labels}: cheap, for counting and for picking one object among many without copying them all.
   */
  <T extends CustomResource<?, ?>> List<String> names(
      Class<T> kind, String namespace, Predicate<Map<String, String>> labels);

  /** The key of every object of {@code kind}, in every namespace, without copying any. */
  <T extends CustomResource<?, ?>> List<ObjectKey> keys(Class<T> kind);

  /** Every object of {@code kind}, in every namespace. */
  <T extends CustomResource<?, ?>> List<T> listAll(Class<T> kind);

  /**
   * Creates {@code object} (its status is dropped, as with a status subresource) and returns it
   * with uid, generation 1, creation time and resourceVersion set.
   */
  <T extends CustomResource<?, ?>> T create(T object);

  /**
   * Replaces metadata and spec, keeping status; bumps the generation when the spec changed. Writes
   * nothing (and keeps the resourceVersion) when nothing changed.
   */
  <T extends CustomResource<?, ?>> T update(T object);

  /** Replaces the status only; writes nothing when it did not change. */
  <T extends CustomResource<?, ?>> T updateStatus(T object);

  /**
   * Deletes the object, if {@code resourceVersion} is null or still current, and in the background
   * its dependents (objects with an owner reference to it). Returns whether it existed.
   */
  <T extends CustomResource<?, ?>> boolean delete(
      Class<T> kind, String namespace, String name, String resourceVersion);

  /** Calls {@code listener} after every change, on the thread that made it; keep it short. */
  void watch(Consumer<ResourceEvent> listener);
}
