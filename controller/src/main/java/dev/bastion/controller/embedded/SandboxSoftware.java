package dev.bastion.controller.embedded;

import dev.bastion.controller.image.ImageStore;
import java.nio.file.Path;

/**
 * What every sandbox of this server is made of besides its own state.
 *
 * @param builtInRoot the built-in Debian root filesystem ({@code bastion/python})
 * @param images the store every other image is pulled into
 * @param sandboxdRuntime sandboxd's Java runtime and tools, mounted read-only into every image
 * @param sandboxdJar the sandboxd jar of this build
 */
public record SandboxSoftware(
    Path builtInRoot, ImageStore images, Path sandboxdRuntime, Path sandboxdJar) {}
