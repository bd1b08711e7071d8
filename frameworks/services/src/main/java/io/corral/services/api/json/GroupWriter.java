package io.corral.services.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Marathon's groups, derived from the apps' ids ({@code /eng/web} is in group {@code /eng}): {@code
 * {"id": "/", "apps": [...], "groups": [{"id": "/eng", ...}], "pods": [], "dependencies": [],
 * "version": ...}}. A group's version is its newest app's.
 */
public final class GroupWriter {
  private final List<AppStatusView> apps;
  private final TreeSet<AppId> groups = new TreeSet<>((a, b) -> a.path().compareTo(b.path()));
  private final AppEmbed embed;

  private GroupWriter(Collection<AppStatusView> apps, AppEmbed embed) {
    this.apps = List.copyOf(apps);
    this.embed = embed;
    groups.add(AppId.ROOT);
    for (AppStatusView a : apps) {
      for (AppId g = a.app().id().parent(); !g.isRoot(); g = g.parent()) {
        groups.add(g);
      }
    }
  }

  /** The group {@code id} with all below it; null if there is no such group. */
  public static ObjectNode group(Collection<AppStatusView> apps, AppId id, AppEmbed embed) {
    GroupWriter w = new GroupWriter(apps, embed);
    return w.groups.contains(id) ? w.write(id) : null;
  }

  private ObjectNode write(AppId id) {
    ObjectNode o = MarathonJson.object();
    o.put("id", id.toString());
    ArrayNode appNodes = o.putArray("apps");
    apps.stream().filter(a -> a.app().id().parent().equals(id)).forEach(a -> appNodes.add(AppInfoWriter.app(a, embed)));
    ArrayNode children = o.putArray("groups");
    groups.stream().filter(g -> !g.isRoot() && g.parent().equals(id)).forEach(g -> children.add(write(g)));
    o.putArray("pods");
    o.putArray("dependencies");
    Instant version = apps.stream().filter(a -> a.app().id().isWithin(id)).map(a -> a.app().version())
        .filter(Objects::nonNull).max(Instant::compareTo).orElse(Instant.EPOCH);
    o.put("version", Timestamps.format(version));
    return o;
  }
}
