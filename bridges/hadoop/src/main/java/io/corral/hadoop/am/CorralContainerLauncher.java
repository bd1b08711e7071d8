package io.corral.hadoop.am;

import org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncher;
import org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncherEvent;
import org.apache.hadoop.mapreduce.v2.app.launcher.ContainerRemoteLaunchEvent;
import org.apache.hadoop.service.AbstractService;

/**
 * Where MRAppMaster launches and stops containers (ContainerLauncherImpl's place): a launch
 * becomes a Corral task on the agent's TaskTracker executor, a cleanup a kill.
 */
final class CorralContainerLauncher extends AbstractService implements ContainerLauncher {
  private final JobFramework framework;

  CorralContainerLauncher(JobFramework framework) {
    super(CorralContainerLauncher.class.getName());
    this.framework = framework;
  }

  @Override
  public void handle(ContainerLauncherEvent event) {
    switch (event.getType()) {
      case CONTAINER_REMOTE_LAUNCH -> framework.launch((ContainerRemoteLaunchEvent) event);
      case CONTAINER_REMOTE_CLEANUP -> framework.cleanup(event.getTaskAttemptID(), event.getContainerID());
      case CONTAINER_COMPLETED -> { } // the Corral task already ended
      default -> { }
    }
  }
}
