package dev.bastion.controller.model;

/** OnReplenish keeps stale pool members until they are claimed; Recreate replaces them. */
public enum UpdateStrategyType {
  OnReplenish,
  Recreate
}
