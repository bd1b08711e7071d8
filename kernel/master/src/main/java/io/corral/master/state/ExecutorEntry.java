package io.corral.master.state;

import io.corral.common.resources.Resources;
import io.corral.protocol.ExecutorInfo;

/** A custom executor running on an agent, and the resources it holds itself. */
public record ExecutorEntry(ExecutorInfo info, Resources resources) {}
