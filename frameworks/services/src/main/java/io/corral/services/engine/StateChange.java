package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskFailureView;

/** One change of the engine's stored state ({@link EngineState}): each is one small record in the store. */
public sealed interface StateChange {
  record PutApp(AppDefinition app) implements StateChange {}

  record RemoveApp(AppId id) implements StateChange {}

  record PutDeployment(Deployment deployment) implements StateChange {}

  record RemoveDeployment(String id) implements StateChange {}

  record PutInstance(Instance instance) implements StateChange {}

  record RemoveInstance(String taskId) implements StateChange {}

  record PutFailure(TaskFailureView failure) implements StateChange {}

  record RemoveFailure(AppId app) implements StateChange {}
}
