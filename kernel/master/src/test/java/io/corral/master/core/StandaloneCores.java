package io.corral.master.core;

import io.corral.common.loop.EventLoop;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.MasterInfo;
import java.time.Clock;
import java.util.Map;
import java.util.Random;

/** A master's core for tests: default settings, no election, an empty registry, recovered and serving. */
final class StandaloneCores {
  private StandaloneCores() {}

  static MasterCore serving(EventLoop loop) {
    MasterCore core = new MasterCore(MasterConfig.builder().build(),
        MasterInfo.newBuilder().setId("M1").setHost("localhost").setPort(5050).build(), loop, Clock.systemUTC(),
        new DrfAllocator(new Random(1)), new InMemoryAgentRegistry(), () -> true);
    core.recover(Map.of(), () -> { });
    return core;
  }
}
