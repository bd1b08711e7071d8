package io.corral.http;

import java.io.IOException;

/**
 * Answers requests. Called on a server's worker threads, one request at a time per connection; may
 * block (on a daemon's loop, a file, another daemon) for as long as its own timeouts allow. A
 * refusal is thrown as an {@link ApiException} and answered as JSON.
 */
@FunctionalInterface
public interface Route {
  Response handle(Request request) throws IOException;
}
