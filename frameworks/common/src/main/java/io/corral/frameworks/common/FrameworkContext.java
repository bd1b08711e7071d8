package io.corral.frameworks.common;

import io.corral.bridges.common.FrameworkActor;
import io.corral.frameworks.common.election.Leadership;
import io.corral.frameworks.common.store.StateStore;
import java.util.function.Consumer;

/**
 * What a {@link FrameworkApp} is given: its settings, its instance's URL, the state store (only the
 * leader may change it), the actor whose loop owns the framework's state and holds the master's
 * driver ({@code actor.driver()} once recovered), who leads, and how to end the instance when its
 * state can no longer be kept ({@link #stateFailed}).
 *
 * @param stateFailed told (with one line saying why; any thread) that a change the framework made in
 *     memory could not be stored: the instance ends with {@link ExitCodes#STATE_FAILED} rather than
 *     carry on with a state that runs ahead of its store (as Marathon abdicates), and the next leader
 *     carries on from the store
 */
public record FrameworkContext(FrameworkSettings settings, String url, StateStore store, FrameworkActor actor,
    Leadership leadership, Consumer<String> stateFailed) {}
