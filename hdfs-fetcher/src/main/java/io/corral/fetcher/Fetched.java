package io.corral.fetcher;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One fetched URI.
 *
 * @param uri as given
 * @param path where it is in the sandbox (the file, or the sandbox itself when extracted)
 * @param bytes bytes downloaded (0 on a cache hit)
 * @param took wall time of this URI's fetch
 * @param cacheHit whether it came from the cache
 * @param extracted whether it was an archive unpacked into the sandbox
 */
public record Fetched(String uri, Path path, long bytes, Duration took, boolean cacheHit, boolean extracted) {}
