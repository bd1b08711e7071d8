package io.corral.services.app;

/**
 * One action of a deployment step (Marathon's {@code {"action": "ScaleApplication", "app": "/web"}}).
 *
 * @param action {@code StartApplication}, {@code ScaleApplication}, {@code RestartApplication} or
 *     {@code StopApplication}
 * @param app the app it acts on
 */
public record DeploymentActionView(String action, AppId app) {}
