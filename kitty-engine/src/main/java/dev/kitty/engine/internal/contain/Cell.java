package dev.kitty.engine.internal.contain;

/**
 * The cgroup kitty made for one launch (ADR 29): its path and the id the kernel gave it (the
 * directory's inode in the cgroup2 file system). A path alone is not proof: a cgroup removed and
 * made again under the same name has another id.
 *
 * @param path the cgroup's directory
 * @param id its inode when kitty made it
 */
public record Cell(String path, long id) {}
