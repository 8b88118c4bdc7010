package dev.kitty.engine.model;

import java.util.Map;

/**
 * One record from the state directory: a launch, a singleton, a stack. Unreadable records are
 * reported with their error, never dropped silently.
 *
 * <p>Stability: experimental.
 *
 * @param file the record's file; never null
 * @param data its content as a JSON object, null when unreadable
 * @param error why it could not be read, null when it could
 */
public record StateRecord(String file, Map<String, Object> data, String error) {}
