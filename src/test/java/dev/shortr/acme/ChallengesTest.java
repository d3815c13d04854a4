package dev.shortr.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP-01 route as the node registers it: before the catch-all short-link route, answering pending tokens only. */
class ChallengesTest {
    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String KEY_AUTHORIZATION = TOKEN + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    private final Challenges challenges = new Challenges();
    private final Router router = new Router();

    ChallengesTest() {
        challenges.routes(router);
        router.add("GET", "/{code}", "Follow a short link", req -> Reply.empty(302));
    }

    private Reply get(String path) throws Exception {
        Router.Match m = router.match("GET", path);
        assertThat(m).as("%s is routed", path).isInstanceOf(Router.Match.Found.class);
        Router.Match.Found found = (Router.Match.Found) m;
        assertThat(found.route().pattern()).as("not taken for a short code").isEqualTo("/.well-known/acme-challenge/{token}");
        Request req = new Request("GET", path, null, Map.of(), EmptyHttpHeaders.INSTANCE, new byte[0], null, false, found.params());
        return found.route().handler().handle(req);
    }

    @Test
    void nothingPendingIs404() throws Exception {
        Reply r = get("/.well-known/acme-challenge/" + TOKEN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(KEY_AUTHORIZATION);
    }

    @Test
    void aPendingTokenGetsItsKeyAuthorizationAsPlainText() throws Exception {
        challenges.publish(TOKEN, KEY_AUTHORIZATION);
        Reply r = get("/.well-known/acme-challenge/" + TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("content-type", "text/plain").containsEntry("cache-control", "no-store");
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo(KEY_AUTHORIZATION);
        assertThat(get("/.well-known/acme-challenge/someOtherToken").status()).as("only the pending token").isEqualTo(404);
    }

    @Test
    void aWithdrawnTokenIs404Again() throws Exception {
        challenges.publish(TOKEN, KEY_AUTHORIZATION);
        challenges.withdraw(TOKEN);
        assertThat(get("/.well-known/acme-challenge/" + TOKEN).status()).isEqualTo(404);
        assertThat(challenges.pending()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a%2Fb", "tok=en", "not+base64url"})
    void tokensThatAreNotBase64UrlAreNeverLookedUp(String token) throws Exception {
        challenges.publish(token, "whatever");
        assertThat(get("/.well-known/acme-challenge/" + token).status()).isEqualTo(404);
    }

    @Test
    void overlongTokensAreNeverLookedUp() throws Exception {
        String token = "x".repeat(300);
        challenges.publish(token, "whatever");
        assertThat(get("/.well-known/acme-challenge/" + token).status()).isEqualTo(404);
    }

    @Test
    void otherWellKnownPathsAreNotChallenges() {
        assertThat(router.match("GET", "/.well-known/acme-challenge")).isInstanceOf(Router.Match.NotFound.class);
        assertThat(router.match("GET", "/.well-known/acme-challenge/a/b")).isInstanceOf(Router.Match.NotFound.class);
        assertThat(router.match("POST", "/.well-known/acme-challenge/" + TOKEN)).isInstanceOf(Router.Match.MethodNotAllowed.class);
        assertThat(List.of(router.routes().getFirst().pattern())).containsExactly("/.well-known/acme-challenge/{token}");
    }
}
