package io.corral.master.core;

import io.corral.common.resources.Resources;

/**
 * One role as operators see it ({@code GET /api/v1/roles}, {@code corral roles}, the UI).
 *
 * @param weight its DRF weight among its siblings
 * @param guarantee its quota's guarantee (empty: none)
 * @param limit its quota's limit (empty: none)
 * @param allocated what its and its sub-roles' tasks and executors hold (scalars)
 * @param offered what is offered to its and its sub-roles' frameworks (scalars)
 * @param frameworks its and its sub-roles' frameworks
 * @param preemptions tasks preempted from it (and its sub-roles) since this master leads
 * @param reclaimed what those tasks held (scalars)
 */
public record RoleSummary(String name, double weight, Resources guarantee, Resources limit, Resources allocated,
    Resources offered, int frameworks, long preemptions, Resources reclaimed) {}
