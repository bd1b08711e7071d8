package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * App definitions from request bodies in Marathon's JSON: read whole (POST, PUT with
 * {@code partialUpdate=false}) or as a patch over the current definition (PATCH, PUT), checked by
 * Marathon's rules. A refusal is an {@link InvalidRequestException} (422) or a
 * {@link MalformedJsonException} (400).
 */
public final class AppJson {
  /** Fields a patch replaces together: giving one drops the other from the current definition. */
  private static final List<List<String>> ALTERNATIVES =
      List.of(List.of("cmd", "args"), List.of("ports", "portDefinitions"), List.of("fetch", "uris"));

  private AppJson() {}

  /**
   * A definition read from a body.
   *
   * @param app the definition, with Marathon's defaults for what the body left out
   * @param ignoredFields fields accepted without effect (unknown, or Marathon's that Corral does not
   *     run), as paths such as {@code dependencies} or {@code healthChecks(0)/foo}; for one warning line
   */
  public record Parsed(AppDefinition app, List<String> ignoredFields) {
    public Parsed {
      ignoredFields = List.copyOf(ignoredFields);
    }
  }

  /**
   * Reads a whole definition.
   *
   * @param pathId the id from the request's path (PUT), null to take the body's
   */
  public static Parsed read(byte[] body, AppId pathId) {
    JsonNode root = MarathonJson.parse(body);
    if (pathId != null && root.isObject()) {
      refuseRollbackByVersion(root);
    }
    return read(root, pathId);
  }

  /** Reads a patch (fields left out keep their current values; {@code id} is the current one). */
  public static Parsed merge(AppDefinition current, byte[] patch) {
    JsonNode changes = MarathonJson.parse(patch);
    if (!changes.isObject()) {
      return read(changes, current.id()); // refused as not an object
    }
    refuseRollbackByVersion(changes);
    ObjectNode merged = AppWriter.definition(current);
    for (List<String> pair : ALTERNATIVES) {
      if (pair.stream().anyMatch(name -> changes.hasNonNull(name))) {
        pair.forEach(merged::remove);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNull() && !e.getKey().equals("id")) {
        merged.set(e.getKey(), e.getValue());
      }
    }
    return read(merged, current.id());
  }

  /**
   * Marathon took {@code {"version": ...}} alone as "return to that stored version"; the services keep
   * no old versions, so that is refused rather than ignored (with other fields, {@code version} is
   * just what an answer carried and is ignored).
   */
  private static void refuseRollbackByVersion(JsonNode changes) {
    boolean onlyVersion = changes.hasNonNull("version");
    for (Iterator<String> it = changes.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      onlyVersion &= name.equals("version") || name.equals("id");
    }
    if (onlyVersion) {
      throw new InvalidRequestException(422, InvalidRequestException.NOT_VALID, List.of(new Violation("/version",
          "returning to an earlier version by its timestamp is not supported: send that definition instead")));
    }
  }

  private static Parsed read(JsonNode root, AppId pathId) {
    Problems problems = new Problems();
    Fields f = Fields.of(root, "", problems);
    if (f == null) {
      problems.throwIfAny();
    }
    AppDefinition app = AppReader.read(f, pathId);
    if (!problems.hasMalformed()) {
      AppValidator.validate(app, problems);
    }
    problems.throwIfAny();
    return new Parsed(app, problems.ignored());
  }
}
