package dev.kitty.engine.model;

/**
 * A family, jar or override the engine refused to load, and why.
 *
 * <p>Stability: experimental.
 *
 * @param source {@code builtin}, {@code plugin:PATH} or {@code config:PATH}; never null
 * @param id the family's id when it could be read, else null
 * @param reason the exact reason; never null
 */
public record Rejection(String source, String id, String reason) {}
