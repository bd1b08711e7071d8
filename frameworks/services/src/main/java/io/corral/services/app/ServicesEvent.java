package io.corral.services.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened, as Marathon's event bus told it ({@code GET /v2/events}).
 *
 * @param type Marathon's {@code eventType}: {@code status_update_event}, {@code health_status_changed_event},
 *     {@code deployment_info}, {@code deployment_step_success}, {@code deployment_step_failure},
 *     {@code deployment_success}, {@code deployment_failed}, {@code api_post_event},
 *     {@code app_terminated_event}, {@code instance_health_changed_event}, {@code failed_health_check_event}
 * @param fields the event's JSON fields by Marathon's names (besides {@code eventType}), in order
 */
public record ServicesEvent(String type, Map<String, Object> fields) {
  public ServicesEvent {
    Objects.requireNonNull(type, "type");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }
}
