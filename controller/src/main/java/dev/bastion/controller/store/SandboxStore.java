package dev.bastion.controller.store;

import java.util.List;

/**
 * Durable storage of sandbox records. Writes are atomic: after a crash a record is either the old
 * one or the new one, never half of either. Blocking: call from a worker thread.
 */
public interface SandboxStore {

  /** Every stored record. */
  List<SandboxRecord> loadAll();

  /** Stores {@code record}, replacing any record with its id; durable when this returns. */
  void put(SandboxRecord record);

  /** Removes the record with {@code id}; absent is fine. */
  void remove(String id);
}
