package io.corral.services.engine;

import io.corral.common.loop.EventLoop;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The API's commands handed to the engine's loop: each runs there, its effects are carried out (its
 * changes stored), then its future completes, with the answer or the {@code ServiceException} that
 * refused it. Snapshots are read without the loop.
 */
public final class EngineBackend implements ServicesBackend {
  private final EventLoop loop;
  private final Engine engine;
  private final EffectRunner runner;

  public EngineBackend(EventLoop loop, Engine engine, EffectRunner runner) {
    this.loop = loop;
    this.engine = engine;
    this.runner = runner;
  }

  @Override
  public ServicesSnapshot snapshot() {
    return runner.snapshot();
  }

  @Override
  public CompletableFuture<DeploymentResult> createApp(AppDefinition app) {
    return call(() -> engine.createApp(app));
  }

  @Override
  public CompletableFuture<DeploymentResult> putApp(AppDefinition app, boolean force) {
    return call(() -> engine.putApp(app, force));
  }

  @Override
  public CompletableFuture<DeploymentResult> deleteApp(AppId id, boolean force) {
    return call(() -> engine.deleteApp(id, force));
  }

  @Override
  public CompletableFuture<DeploymentResult> restartApp(AppId id, boolean force) {
    return call(() -> engine.restartApp(id, force));
  }

  @Override
  public CompletableFuture<KillResult> killTasks(List<String> taskIds, boolean scale, boolean wipe, boolean force) {
    return call(() -> engine.killTasks(taskIds, scale, force));
  }

  @Override
  public CompletableFuture<DeploymentResult> deleteDeployment(String id, boolean force) {
    return call(() -> engine.deleteDeployment(id, force));
  }

  private <T> CompletableFuture<T> call(Supplier<Result<T>> command) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        Result<T> r = command.get();
        runner.run(r.effects());
        if (r.error() != null) {
          answer.completeExceptionally(r.error());
        } else {
          answer.complete(r.value());
        }
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
        throw e;
      }
    });
    return answer;
  }
}
