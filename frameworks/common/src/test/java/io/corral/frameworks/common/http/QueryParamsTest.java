package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.http.ApiException;
import org.junit.jupiter.api.Test;

/** Query parameters as the peers read them: repeated, unknown ones ignored, flags in any case. */
class QueryParamsTest {
  @Test
  void flagsAreTrueOrFalseInAnyCaseAndAnythingElseIsA400NamingThem() {
    QueryParams q = QueryParams.parse("force=TRUE&scale=False&wipe=true&unknown=1");
    assertThat(q.flag("force", false)).isTrue();
    assertThat(q.flag("scale", true)).isFalse();
    assertThat(q.flag("wipe", false)).isTrue();
    assertThat(q.flag("absent", true)).isTrue();
    assertThatThrownBy(() -> QueryParams.parse("force=yes").flag("force", false))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("query parameter force must be true or false, not 'yes'");
    assertThat(QueryParams.parse("force").flag("force", false)).as("a flag without a value").isTrue();
    assertThat(QueryParams.parse("force=").flag("force", false)).as("an empty value is no value").isTrue();
  }

  @Test
  void aParameterMayComeSeveralTimesAndIsDecoded() {
    QueryParams q = QueryParams.parse("event_type=status_update_event&event_type=deployment_info&embed=apps.tasks"
        + "&label=team%3Deng+web");
    assertThat(q.all("event_type")).containsExactly("status_update_event", "deployment_info");
    assertThat(q.first("embed")).contains("apps.tasks");
    assertThat(q.first("label")).contains("team=eng web");
    assertThat(q.all("absent")).isEmpty();
    assertThat(QueryParams.parse("host=&cmd=sleep").text("host")).as("an empty value").isEmpty();
    assertThat(QueryParams.parse("host=&cmd=sleep").text("cmd")).contains("sleep");
    assertThat(QueryParams.parse("embed=apps.tasks,%20apps.counts,&embed=apps.deployments").list("embed"))
        .containsExactly("apps.tasks", "apps.counts", "apps.deployments");
    assertThat(QueryParams.parse(null).names()).isEmpty();
    assertThat(QueryParams.parse("n=7").number("n", 1, 0, 10)).isEqualTo(7);
    assertThatThrownBy(() -> QueryParams.parse("n=70").number("n", 1, 0, 10)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> QueryParams.parse("a=%zz")).isInstanceOf(ApiException.class);
  }
}
