package io.corral.services.api;

import java.util.List;

/** A change refused because deployments hold the app: Marathon's 409 names them. */
final class LockedException extends RuntimeException {
  private final List<String> deploymentIds;

  LockedException(String message, List<String> deploymentIds) {
    super(message, null, false, false);
    this.deploymentIds = List.copyOf(deploymentIds);
  }

  List<String> deploymentIds() {
    return deploymentIds;
  }
}
