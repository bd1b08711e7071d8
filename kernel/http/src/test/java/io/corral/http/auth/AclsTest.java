package io.corral.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.http.auth.Acls.Action;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class AclsTest {
  private static Acls acls(String json) throws IOException {
    return Acls.parse(new ObjectMapper().readTree(json), null);
  }

  @Test
  void whatNoRuleAllowsIsRefused() throws Exception {
    Acls a = acls("""
        {"register_frameworks": [{"principals": ["etl"], "roles": ["etl", "*"]}],
         "view_state": [{"principals": "ANY"}]}
        """);
    assertThat(a.allows(Action.REGISTER_FRAMEWORK, "etl", "etl")).isTrue();
    assertThat(a.allows(Action.REGISTER_FRAMEWORK, "etl", "*")).isTrue();
    assertThat(a.allows(Action.REGISTER_FRAMEWORK, "etl", "prod")).isFalse();
    assertThat(a.allows(Action.REGISTER_FRAMEWORK, "ml", "etl")).isFalse();
    assertThat(a.allows(Action.VIEW_STATE, "anyone", null)).isTrue();
    assertThat(a.allows(Action.VIEW_STATE, null, null)).as("anonymous").isFalse();
    assertThat(a.allows(Action.DRAIN_AGENT, "etl", null)).as("no rule for the action").isFalse();
    assertThat(a.allows(Action.KILL_TASK, "etl", "etl")).isFalse();
    assertThat(a.refusal(Action.REGISTER_FRAMEWORK, "ml", "etl"))
        .isEqualTo("principal 'ml' may not register a framework in role 'etl' (ACLs: register_frameworks)");
  }

  @Test
  void selfMeansTheCallersOwnFrameworks() throws Exception {
    Acls a = acls("""
        {"kill_tasks": [{"principals": "ANY", "framework_principals": "SELF"},
                        {"principals": ["ops"], "framework_principals": "ANY"}]}
        """);
    assertThat(a.allows(Action.KILL_TASK, "alice", "alice")).isTrue();
    assertThat(a.allows(Action.KILL_TASK, "alice", "bob")).isFalse();
    assertThat(a.allows(Action.KILL_TASK, "ops", "bob")).isTrue();
    assertThat(a.allows(Action.KILL_TASK, "alice", "")).as("a framework without principal").isFalse();
  }

  @Test
  void servicesAppIdsArePrefixesByPathSegment() throws Exception {
    Acls a = acls("""
        {"manage_services": [{"principals": ["eng"], "app_ids": ["/eng", "/shared/web"]},
                             {"principals": ["ops"], "app_ids": ["/"]},
                             {"principals": ["root"], "app_ids": "ANY"}]}
        """);
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/eng")).isTrue();
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/eng/web")).isTrue();
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/eng/web/api")).isTrue();
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/engine")).as("a prefix by segment, not by letter").isFalse();
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/shared/web")).isTrue();
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/shared/db")).isFalse();
    assertThat(a.allows(Action.MANAGE_SERVICES, "eng", "/")).isFalse();
    assertThat(a.allows(Action.MANAGE_SERVICES, "ops", "/anything/at/all")).isTrue();
    assertThat(a.allows(Action.MANAGE_SERVICES, "root", "/x")).isTrue();
    assertThat(a.allows(Action.MANAGE_SERVICES, "ml", "/eng/web")).isFalse();
    assertThat(a.allows(Action.MANAGE_SERVICES, null, "/eng/web")).isFalse();
    assertThat(a.refusal(Action.MANAGE_SERVICES, "ml", "/eng/web"))
        .isEqualTo("principal 'ml' may not change the services app '/eng/web' (ACLs: manage_services)");
    assertThatThrownBy(() -> acls("{\"manage_services\": [{\"principals\": [\"eng\"], \"roles\": [\"eng\"]}]}"))
        .hasMessageContaining("unknown field \"roles\" (expected \"principals\" and \"app_ids\")");
  }

  @Test
  void permissiveAllowsEverythingEvenAnonymous() {
    assertThat(Acls.PERMISSIVE.allows(Action.DRAIN_AGENT, null, null)).isTrue();
    assertThat(Authorizer.PERMISSIVE.check(Action.KILL_TASK, null, "x", "test")).isEmpty();
  }

  @Test
  void typosAndWrongShapesAreErrorsThatSayWhere() {
    assertThatThrownBy(() -> acls("{\"register_framework\": []}")).hasMessageContaining("unknown action \"register_framework\"");
    assertThatThrownBy(() -> acls("{\"view_state\": [{\"principal\": \"ANY\"}]}"))
        .hasMessageContaining("view_state[0]: unknown field \"principal\"");
    assertThatThrownBy(() -> acls("{\"run_tasks\": [{\"principals\": [\"a\"]}]}"))
        .hasMessageContaining("\"users\" is missing");
    assertThatThrownBy(() -> acls("{\"run_tasks\": [{\"principals\": \"alice\", \"users\": \"ANY\"}]}"))
        .hasMessageContaining("is not a list");
    assertThatThrownBy(() -> acls("{\"run_tasks\": [{\"principals\": \"ANY\", \"users\": \"SELF\"}]}"))
        .hasMessageContaining("is not a list");
    assertThatThrownBy(() -> acls("[]")).hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> acls("{\"view_state\": [{\"principals\": [1]}]}")).hasMessageContaining("non-empty strings");
  }
}
