package dev.bastion.client;

import java.time.Instant;

/**
 * A code context in a sandbox: a Jupyter kernel whose variables, imports and open files carry from
 * cell to cell.
 *
 * @param id what {@link CodeOptions#context(String)} names it by
 * @param language {@code python}, or another kernelspec's name
 * @param cwd the working directory it was made with
 * @param createdAt when its kernel started, or null
 * @param alive false once its kernel died: cells fail until {@link SandboxContexts#restart}
 */
public record ContextInfo(
    String id, String language, String cwd, Instant createdAt, boolean alive) {}
