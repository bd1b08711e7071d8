package io.corral.services.app;

import java.time.Instant;

/**
 * The last task of an app that failed (Marathon's {@code lastTaskFailure}).
 *
 * @param appId the app
 * @param taskId the failed task
 * @param host where it ran
 * @param state its final state name ({@code TASK_FAILED}, ...)
 * @param message the reason the kernel gave
 * @param timestamp when it failed
 * @param version the app version it ran
 */
public record TaskFailureView(AppId appId, String taskId, String host, String state, String message,
    Instant timestamp, Instant version) {}
