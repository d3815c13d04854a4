package dev.shortr.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {
    private final Handler h = r -> Reply.empty(200);
    private final Router router = new Router()
            .add("GET", "/healthz", "", h)
            .add("POST", "/api/v1/links", "", h)
            .add("GET", "/api/v1/links", "", h)
            .add("GET", "/api/v1/links/{code}", "", h)
            .add("DELETE", "/api/v1/links/{code}", "", h)
            .add("GET", "/api/v1/links/{code}/stats", "", h)
            .add("GET", "/{code}", "", h);

    @Test
    void literalRoutesWinOverCaptures() {
        assertThat(router.match("GET", "/healthz")).isInstanceOfSatisfying(Router.Match.Found.class,
                f -> assertThat(f.route().pattern()).isEqualTo("/healthz"));
    }

    @Test
    void capturesOneWholeSegment() {
        assertThat(router.match("GET", "/api/v1/links/abc123/stats")).isInstanceOfSatisfying(Router.Match.Found.class, f -> {
            assertThat(f.route().pattern()).isEqualTo("/api/v1/links/{code}/stats");
            assertThat(f.params()).containsEntry("code", "abc123");
        });
        assertThat(router.match("GET", "/abc123")).isInstanceOfSatisfying(Router.Match.Found.class,
                f -> assertThat(f.params()).containsEntry("code", "abc123"));
    }

    @Test
    void oneTrailingSlashIsTolerated() {
        assertThat(router.match("GET", "/abc123/")).isInstanceOf(Router.Match.Found.class);
        assertThat(router.match("GET", "/abc123//")).isInstanceOf(Router.Match.NotFound.class);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        assertThat(router.match("PUT", "/api/v1/links/abc")).isInstanceOfSatisfying(Router.Match.MethodNotAllowed.class,
                m -> assertThat(m.allowed()).containsExactlyInAnyOrder("GET", "HEAD", "DELETE"));
    }

    @Test
    void headFollowsGet() {
        assertThat(router.match("HEAD", "/healthz")).isInstanceOf(Router.Match.Found.class);
    }

    @Test
    void unknownPathsAreNotFound() {
        assertThat(router.match("GET", "/api/v2/nope")).isInstanceOf(Router.Match.NotFound.class);
        assertThat(router.match("GET", "/a/b")).isInstanceOf(Router.Match.NotFound.class);
        assertThat(router.match("GET", "/api/v1/links//stats")).isInstanceOf(Router.Match.NotFound.class);
    }
}
