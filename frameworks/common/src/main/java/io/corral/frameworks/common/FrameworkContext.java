package io.corral.frameworks.common;

import io.corral.bridges.common.FrameworkActor;
import io.corral.frameworks.common.election.Leadership;
import io.corral.frameworks.common.store.StateStore;

/**
 * What a {@link FrameworkApp} is given: its settings, its instance's URL, the state store (only the
 * leader may change it), the actor whose loop owns the framework's state and holds the master's
 * driver ({@code actor.driver()} once recovered), and who leads.
 */
public record FrameworkContext(FrameworkSettings settings, String url, StateStore store, FrameworkActor actor,
    Leadership leadership) {}
