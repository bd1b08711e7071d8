package io.corral.services.engine;

import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's callbacks as the engine's inputs, their effects carried out at once. Runs on the
 * engine's loop (the framework actor hands every callback over there, one at a time).
 */
final class EngineScheduler implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(EngineScheduler.class);

  private final Engine engine;
  private final EffectRunner runner;

  EngineScheduler(Engine engine, EffectRunner runner) {
    this.engine = engine;
    this.runner = runner;
  }

  @Override
  public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
    LOG.info("registered as framework {} with master {}:{}", frameworkId, masterInfo.getHost(), masterInfo.getPort());
    runner.run(engine.registered(frameworkId));
  }

  @Override
  public void reregistered(SchedulerDriver driver, MasterInfo masterInfo) {
    runner.run(engine.reregistered());
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    runner.run(engine.offers(offers));
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    runner.runUpdate(engine.status(status));
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    LOG.error("the master reported: {}", message);
  }
}
