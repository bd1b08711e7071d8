package io.corral.services.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the API shows, at one moment: published whole by the engine after each change, read
 * by request threads without locks.
 *
 * @param apps every app by id, in id order
 * @param deployments the deployments in flight
 * @param frameworkId the framework id the master gave, null before registration
 * @param leaderUrl the leading instance's URL ({@code http://host:port})
 */
public record ServicesSnapshot(Map<AppId, AppStatusView> apps, List<DeploymentView> deployments,
    String frameworkId, String leaderUrl) {
  public ServicesSnapshot {
    apps = Collections.unmodifiableMap(new LinkedHashMap<>(apps));
    deployments = List.copyOf(deployments);
  }

  public static ServicesSnapshot empty(String leaderUrl) {
    return new ServicesSnapshot(Map.of(), List.of(), null, leaderUrl);
  }
}
