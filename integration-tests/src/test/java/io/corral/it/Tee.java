package io.corral.it;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.List;

/** Passes every callback to a scheduler, and records status updates in a recorder. */
final class Tee implements Scheduler {
  private final Scheduler inner;
  private final RecordingScheduler recorder;

  Tee(Scheduler inner, RecordingScheduler recorder) {
    this.inner = inner;
    this.recorder = recorder;
  }

  @Override
  public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
    recorder.registered(driver, frameworkId, masterInfo);
    inner.registered(driver, frameworkId, masterInfo);
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    inner.resourceOffers(driver, offers);
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    recorder.statusUpdate(driver, status);
    inner.statusUpdate(driver, status);
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    recorder.error(driver, message);
    inner.error(driver, message);
  }
}
