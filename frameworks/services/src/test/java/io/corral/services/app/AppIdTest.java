package io.corral.services.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppIdTest {
  @Test
  void normalisesWhatUsersWrite() {
    assertThat(new AppId("eng/web")).isEqualTo(new AppId("/eng/web"));
    assertThat(new AppId("/eng/web/").path()).isEqualTo("/eng/web");
    assertThat(new AppId("/eng/./x/../web").toString()).isEqualTo("/eng/web");
    assertThat(new AppId("/").isRoot()).isTrue();
  }

  @Test
  void resolvesRelativeIdsAgainstAGroup() {
    assertThat(AppId.resolve(new AppId("/eng"), "web")).isEqualTo(new AppId("/eng/web"));
    assertThat(AppId.resolve(new AppId("/eng/a"), "../web")).isEqualTo(new AppId("/eng/web"));
    assertThat(AppId.resolve(new AppId("/eng"), "/ops/web")).isEqualTo(new AppId("/ops/web"));
  }

  @Test
  void refusesSegmentsMarathonRefused() {
    assertThatThrownBy(() -> new AppId("/Eng/web")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Eng'");
    assertThatThrownBy(() -> new AppId("/eng/-web")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AppId("/eng/web_1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AppId("/..")).hasMessageContaining("above the root");
    assertThat(AppId.problem("/my.app/v1-2")).isNull();
  }

  @Test
  void knowsItsGroupAndTaskIdPrefix() {
    AppId id = new AppId("/eng/web");
    assertThat(id.parent()).isEqualTo(new AppId("/eng"));
    assertThat(id.parent().parent()).isEqualTo(AppId.ROOT);
    assertThat(id.segments()).isEqualTo(List.of("eng", "web"));
    assertThat(id.name()).isEqualTo("web");
    assertThat(id.taskIdPrefix()).isEqualTo("eng_web");
    assertThat(AppId.ofTaskId("eng_web.4c5f2a1e-0c5b-11e5-9ea0-56847afe9799")).isEqualTo(id);
    assertThat(id.isWithin(new AppId("/eng"))).isTrue();
    assertThat(new AppId("/engine").isWithin(new AppId("/eng"))).isFalse();
  }
}
