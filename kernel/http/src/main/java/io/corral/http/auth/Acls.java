package io.corral.http.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what, from {@code acls.json}: for each action a list of rules, each naming the
 * principals it is for and (for actions on something) the objects they may act on. A request
 * is allowed when a rule allows it; nothing else is (deny by default).
 *
 * <pre>{@code
 * {
 *   "register_frameworks": [ {"principals": ["etl"], "roles": ["etl", "*"]} ],
 *   "run_tasks":           [ {"principals": ["etl"], "users": ["etl"]} ],
 *   "kill_tasks":          [ {"principals": "ANY", "framework_principals": "SELF"},
 *                            {"principals": ["ops"], "framework_principals": "ANY"} ],
 *   "read_sandboxes":      [ {"principals": "ANY", "framework_principals": "SELF"} ],
 *   "teardown_frameworks": [ {"principals": ["ops"], "framework_principals": "ANY"} ],
 *   "view_state":          [ {"principals": "ANY"} ],
 *   "drain_agents":        [ {"principals": ["ops"]} ],
 *   "update_quotas":       [ {"principals": ["ops"], "roles": "ANY"} ],
 *   "update_weights":      [ {"principals": ["ops"], "roles": ["eng", "eng/etl"]} ],
 *   "reserve_resources":   [ {"principals": ["ops"], "roles": "ANY"} ],
 *   "unreserve_resources": [ {"principals": ["ops"], "roles": "ANY"} ],
 *   "register_agents":     [ {"principals": ["agent"]} ],
 *   "manage_services":     [ {"principals": ["eng"], "app_ids": ["/eng"]} ]
 * }
 * }</pre>
 *
 * A list may be {@code "ANY"}; a list of framework principals may also be {@code "SELF"} (the
 * framework's principal is the caller's). App ids ({@code manage_services}) are prefixes by path
 * segment: {@code /eng} allows {@code /eng} and {@code /eng/web}, not {@code /engine}; {@code /}
 * allows every app. Unknown keys are errors, so a typo cannot open or
 * close anything silently.
 */
public final class Acls {
  /** What can be asked for, with the file's key and the name of its objects (null: no object). */
  public enum Action {
    REGISTER_FRAMEWORK("register_frameworks", "roles", "register a framework in role"),
    RUN_TASK("run_tasks", "users", "run tasks as user"),
    KILL_TASK("kill_tasks", "framework_principals", "kill tasks of frameworks of principal"),
    TEARDOWN_FRAMEWORK("teardown_frameworks", "framework_principals", "tear down frameworks of principal"),
    READ_SANDBOX("read_sandboxes", "framework_principals", "read sandboxes of frameworks of principal"),
    VIEW_STATE("view_state", null, "view the cluster's state"),
    DRAIN_AGENT("drain_agents", null, "drain or undrain agents"),
    UPDATE_QUOTA("update_quotas", "roles", "set or remove the quota of role"),
    UPDATE_WEIGHT("update_weights", "roles", "set the weight of role"),
    RESERVE_RESOURCES("reserve_resources", "roles", "reserve resources for role"),
    UNRESERVE_RESOURCES("unreserve_resources", "roles", "unreserve resources of role"),
    REGISTER_AGENT("register_agents", null, "register agents"),
    /** Changes of the services framework's apps ({@code corral services}): objects are app id prefixes. */
    MANAGE_SERVICES("manage_services", "app_ids", "change the services app", true);

    final String key;
    final String objects;
    final String what;
    /** Whether a rule's objects are path prefixes of the object asked for, rather than its name. */
    final boolean pathPrefixes;

    Action(String key, String objects, String what) {
      this(key, objects, what, false);
    }

    Action(String key, String objects, String what, boolean pathPrefixes) {
      this.key = key;
      this.objects = objects;
      this.what = what;
      this.pathPrefixes = pathPrefixes;
    }

    public String key() {
      return key;
    }
  }

  /** Every request allowed: a cluster without security. */
  public static final Acls PERMISSIVE = new Acls(null, true);

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Names(boolean any, boolean self, Set<String> names) {
    boolean matches(String name, String caller) {
      return any || (self && name.equals(caller)) || names.contains(name);
    }

    /** Whether one of the names is {@code path} or a path above it ({@code /eng} of {@code /eng/web}; {@code /} of all). */
    boolean coversPath(String path) {
      if (any) {
        return true;
      }
      for (String n : names) {
        String prefix = n.endsWith("/") ? n : n + "/";
        if (path.equals(n) || path.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }

    static Names parse(JsonNode n, String where, boolean selfAllowed) throws IOException {
      if (n.isTextual()) {
        String t = n.asText();
        if (t.equals("ANY")) {
          return new Names(true, false, Set.of());
        }
        if (t.equals("SELF") && selfAllowed) {
          return new Names(false, true, Set.of());
        }
        throw new IOException(where + ": \"" + t + "\" is not a list; write [\"" + t + "\"], or \"ANY\""
            + (selfAllowed ? " or \"SELF\"" : ""));
      }
      if (!n.isArray()) {
        throw new IOException(where + ": expected a list of names or \"ANY\"");
      }
      List<String> names = new ArrayList<>();
      for (JsonNode e : n) {
        if (!e.isTextual() || e.asText().isEmpty()) {
          throw new IOException(where + ": names are non-empty strings, not " + e);
        }
        names.add(e.asText());
      }
      return new Names(false, false, Set.copyOf(names));
    }
  }

  private record Rule(Names principals, Names objects) {}

  private final Map<Action, List<Rule>> rules;
  private final boolean permissive;
  private final Path source;

  private Acls(Map<Action, List<Rule>> rules, boolean permissive) {
    this(rules, permissive, null);
  }

  private Acls(Map<Action, List<Rule>> rules, boolean permissive, Path source) {
    this.rules = rules;
    this.permissive = permissive;
    this.source = source;
  }

  public static Acls load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("ACL file " + file + " does not exist");
    }
    try {
      return parse(JSON.readTree(file.toFile()), file);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": not JSON: " + e.getOriginalMessage());
    }
  }

  static Acls parse(JsonNode root, Path source) throws IOException {
    String file = source == null ? "acls" : source.toString();
    if (root == null || !root.isObject()) {
      throw new IOException(file + ": expected a JSON object of actions");
    }
    Map<Action, List<Rule>> out = new EnumMap<>(Action.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Action action = byKey(e.getKey());
      if (action == null) {
        throw new IOException(file + ": unknown action \"" + e.getKey() + "\" (known: " + keys() + ")");
      }
      if (!e.getValue().isArray()) {
        throw new IOException(file + ": " + e.getKey() + " must be a list of rules");
      }
      List<Rule> list = new ArrayList<>();
      int i = 0;
      for (JsonNode r : e.getValue()) {
        String where = file + ": " + e.getKey() + "[" + i++ + "]";
        if (!r.isObject()) {
          throw new IOException(where + ": a rule is an object");
        }
        for (Iterator<String> names = r.fieldNames(); names.hasNext(); ) {
          String k = names.next();
          if (!k.equals("principals") && !k.equals(action.objects)) {
            throw new IOException(where + ": unknown field \"" + k + "\" (expected \"principals\""
                + (action.objects == null ? "" : " and \"" + action.objects + "\"") + ")");
          }
        }
        if (!r.has("principals")) {
          throw new IOException(where + ": \"principals\" is missing");
        }
        Names principals = Names.parse(r.get("principals"), where + ".principals", false);
        Names objects = null;
        if (action.objects != null) {
          if (!r.has(action.objects)) {
            throw new IOException(where + ": \"" + action.objects + "\" is missing");
          }
          objects = Names.parse(r.get(action.objects), where + "." + action.objects,
              action.objects.equals("framework_principals"));
        }
        list.add(new Rule(principals, objects));
      }
      out.put(action, List.copyOf(list));
    }
    return new Acls(out, false, source);
  }

  private static Action byKey(String key) {
    for (Action a : Action.values()) {
      if (a.key.equals(key)) {
        return a;
      }
    }
    return null;
  }

  private static String keys() {
    List<String> k = new ArrayList<>();
    for (Action a : Action.values()) {
      k.add(a.key);
    }
    return String.join(", ", k);
  }

  /**
   * Whether {@code principal} may do {@code action} on {@code object} (a role, a user, a
   * framework's principal; null for actions without one). A null principal (anonymous) may do
   * nothing unless the ACLs are permissive.
   */
  public boolean allows(Action action, String principal, String object) {
    if (permissive) {
      return true;
    }
    if (principal == null) {
      return false;
    }
    for (Rule r : rules.getOrDefault(action, List.of())) {
      String o = object == null ? "" : object;
      if (r.principals.matches(principal, principal) && (r.objects == null
          || (action.pathPrefixes ? r.objects.coversPath(o) : r.objects.matches(o, principal)))) {
        return true;
      }
    }
    return false;
  }

  /** The message of a refusal, naming who, what and where the rule would go. */
  public String refusal(Action action, String principal, String object) {
    String who = principal == null ? "an anonymous caller" : "principal '" + principal + "'";
    return who + " may not " + action.what + (action.objects == null ? "" : " '" + (object == null ? "" : object) + "'")
        + " (" + (source == null ? "ACLs" : source.getFileName()) + ": " + action.key + ")";
  }

  public boolean permissive() {
    return permissive;
  }

  @Override
  public String toString() {
    return permissive ? "permissive" : rules.values().stream().mapToInt(List::size).sum() + " rules"
        + (source == null ? "" : " from " + source);
  }
}
