package dev.bastion.controller.runtime;

import java.nio.file.Path;

/**
 * An image ready to run as a sandbox.
 *
 * @param rootfs its root filesystem, mounted read-only
 * @param defaults the Env, WorkingDir and User of its processes
 * @param name what it is, for status: {@code repository@sha256:...}, or the built-in image's name
 * @param digest its manifest digest, or empty for the built-in image
 */
public record RunnableImage(Path rootfs, ProcessDefaults defaults, String name, String digest) {}
