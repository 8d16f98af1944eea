package dev.bastion.controller.image;

import dev.bastion.controller.runtime.ProcessDefaults;
import java.nio.file.Path;

/**
 * An image kept in the store, unpacked and checked: sandboxes can run it.
 *
 * @param reference the reference it was pulled or loaded as
 * @param digest the digest of its manifest in the store, {@code sha256:...}
 * @param rootfs its root filesystem, shared read-only by every sandbox of this digest
 * @param defaults its Env, WorkingDir and User
 */
public record LocalImage(
    ImageReference reference, String digest, Path rootfs, ProcessDefaults defaults) {

  /** {@code repository@digest}: what a Sandbox's status shows as the image it runs. */
  public String pinned() {
    return reference.repository() + "@" + digest;
  }
}
