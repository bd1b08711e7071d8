package io.corral.services.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.frameworks.common.http.QueryParams;
import io.corral.http.Response;
import io.corral.services.api.json.AppEmbed;
import io.corral.services.api.json.GroupWriter;
import io.corral.services.app.AppId;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;

/**
 * {@code GET /v2/groups} and {@code GET /v2/groups/{id}}: the groups the apps' ids make. Groups exist
 * only through their apps here; creating or changing groups is not offered.
 */
final class GroupsRoutes {
  private final ServicesBackend backend;

  GroupsRoutes(ServicesBackend backend) {
    this.backend = backend;
  }

  Response get(AppId id, QueryParams q) {
    AppEmbed embed = AppEmbed.forList(q.list("embed"));
    ObjectNode group = GroupWriter.group(backend.snapshot().apps().values(), id, embed);
    if (group == null) {
      throw new ServiceException(404, "Group '" + id + "' does not exist");
    }
    return Answers.json(200, group);
  }
}
