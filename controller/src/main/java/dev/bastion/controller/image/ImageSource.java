package dev.bastion.controller.image;

import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Where sandbox starts get images from: the image store, or a stand-in in tests. */
public interface ImageSource {

  /** The image kept for {@code reference}, if one is. */
  Optional<LocalImage> local(ImageReference reference);

  /** Fetches {@code reference} and makes it runnable; blocking. */
  LocalImage pull(ImageReference reference, Consumer<String> progress);

  /** Removes what nothing uses; returns how many roots went. */
  int collect(Set<String> inUse);
}
