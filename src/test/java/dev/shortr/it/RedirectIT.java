package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET|HEAD /{code}} as a browser, a crawler and curl see it. Every redirect is requested twice: the
 * first answer comes from the store (cache miss, virtual thread), the second from memory (event loop), and
 * both must say the same thing.
 */
class RedirectIT {
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @ParameterizedTest(name = "{1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            red301 | 301 | public, max-age=3600
            red302 | 302 | private, max-age=0
            red307 | 307 | private, max-age=0
            red308 | 308 | public, max-age=3600
            """)
    void eachRedirectTypeAnswersWithItsStatusExactLocationAndDefaultCaching(String code, int status, String cacheControl) {
        String url = "https://example.com/landing/" + code + "?from=shortr#top";
        node.createLink(code, url, "\"redirect\": " + status);

        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> r = node.get("/" + code);
            assertRedirect(r, pass, status, url);
            assertThat(r.headers().firstValue("cache-control")).as(pass).hasValue(cacheControl);
        }
    }

    @Test
    void aLinkWithoutRedirectTypeIsA302() {
        node.createLink("dflt01", "https://example.com/default", null);
        assertRedirect(node.get("/dflt01"), "default", 302, "https://example.com/default");
    }

    @ParameterizedTest(name = "{1} with cacheSeconds {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            cache1 | 302 | 600 | public, max-age=600
            cache2 | 307 | 86400 | public, max-age=86400
            cache3 | 301 | 60  | public, max-age=60
            cache4 | 308 | 0   | private, max-age=0
            """)
    void aLinkCanOverrideHowLongTheRedirectIsCached(String code, int status, int seconds, String cacheControl) {
        node.createLink(code, "https://example.com/" + code, "\"redirect\": " + status + ", \"cacheSeconds\": " + seconds);
        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> r = node.get("/" + code);
            assertRedirect(r, pass, status, "https://example.com/" + code);
            assertThat(r.headers().firstValue("cache-control")).as(pass).hasValue(cacheControl);
        }
    }

    @Test
    void aLinkWithAClickLimitIsNeverPubliclyCacheable() {
        // a cached redirect would let clicks past the limit and keep them out of the count
        node.createLink("lim301", "https://example.com/limited", "\"redirect\": 301, \"maxClicks\": 100");
        node.createLink("lim302", "https://example.com/limited2", "\"redirect\": 302, \"maxClicks\": 100, \"cacheSeconds\": 600");
        for (String code : new String[] {"lim301", "lim302", "lim301", "lim302"}) {
            HttpResponse<String> r = node.get("/" + code);
            assertThat(r.statusCode()).isIn(301, 302);
            assertThat(r.headers().firstValue("cache-control")).as(code).hasValue("private, max-age=0");
        }
    }

    @Test
    void cacheLifetimeNeverOutlivesTheLinksExpiry() {
        Instant expires = Instant.now().plus(120, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        node.createLink("exp301", "https://example.com/soon-gone", "\"redirect\": 301, \"expiresAt\": \"" + expires + "\"");
        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> r = node.get("/exp301");
            assertRedirect(r, pass, 301, "https://example.com/soon-gone");
            String cc = r.headers().firstValue("cache-control").orElseThrow();
            Matcher m = Pattern.compile("public, max-age=(\\d+)").matcher(cc);
            assertThat(m.matches()).as("%s: cache-control '%s'", pass, cc).isTrue();
            long maxAge = Long.parseLong(m.group(1));
            long left = Instant.now().until(expires, ChronoUnit.SECONDS);
            assertThat(maxAge).as(pass + ": max-age must stop at the expiry, %d s away", left).isBetween(left - 5, left + 1);
        }
    }

    @Test
    void unknownCodeIsAn404PageForBrowsersAndAProblemForApiClients() {
        for (String pass : new String[] {"first", "remembered as unknown"}) {
            HttpResponse<String> html = node.get("/nope404", "Accept", BROWSER_ACCEPT);
            assertThat(html.statusCode()).as(pass).isEqualTo(404);
            assertThat(html.headers().firstValue("content-type")).as(pass).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
            assertThat(html.body()).as(pass).contains("nope404").containsIgnoringCase("<html");
            assertThat(html.headers().firstValue("x-robots-tag")).as(pass).hasValue("noindex");
            assertThat(html.headers().firstValue("location")).as(pass).isEmpty();

            HttpResponse<String> json = node.get("/nope404", "Accept", "application/json");
            assertProblem(json, 404, "link-not-found");
            assertThat(json.headers().firstValue("x-robots-tag")).as(pass).hasValue("noindex");
        }
    }

    @Test
    void deletedLinkIsGoneNotUnknownUntilItsCodeIsTakenAgain() {
        node.createLink("del410", "https://example.com/deleted", null);
        assertRedirect(node.get("/del410"), "before", 302, "https://example.com/deleted");

        HttpResponse<String> deleted = node.admin("DELETE", "/api/v1/links/del410", null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);

        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> html = node.get("/del410", "Accept", BROWSER_ACCEPT);
            assertGone(html, pass);
            assertThat(html.body()).as(pass).contains("has been deleted");
            assertProblem(node.get("/del410", "Accept", "application/json"), 410, "link-deleted");
        }

        node.createLink("del410", "https://example.com/reborn", null);
        assertRedirect(node.get("/del410"), "taken again", 302, "https://example.com/reborn");
    }

    @Test
    void disabledLinkIsGoneAtOnce() {
        node.createLink("dis410", "https://example.com/disabled", null);
        assertRedirect(node.get("/dis410"), "before", 302, "https://example.com/disabled");
        assertRedirect(node.get("/dis410"), "before, from memory", 302, "https://example.com/disabled");

        HttpResponse<String> patched = node.admin("PATCH", "/api/v1/links/dis410", "{\"disabled\": true}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> html = node.get("/dis410", "Accept", BROWSER_ACCEPT);
            assertGone(html, pass);
            assertProblem(node.get("/dis410", "Accept", "application/json"), 410, "link-disabled");
        }
    }

    @Test
    void expiredLinkIsGone() throws InterruptedException {
        Instant expires = Instant.now().plusMillis(2_000);
        node.createLink("exp410", "https://example.com/expiring", "\"expiresAt\": \"" + expires + "\"");
        assertRedirect(node.get("/exp410"), "before expiry", 302, "https://example.com/expiring");
        assertRedirect(node.get("/exp410"), "before expiry, from memory", 302, "https://example.com/expiring");

        Thread.sleep(Math.max(0, Instant.now().until(expires, ChronoUnit.MILLIS)) + 100);

        assertGone(node.get("/exp410", "Accept", BROWSER_ACCEPT), "after expiry");
        assertProblem(node.get("/exp410", "Accept", "application/json"), 410, "link-expired");
    }

    @Test
    void linkWithAClickLimitIsGoneOnceUsedUpAndHeadDoesNotUseIt() {
        node.createLink("max002", "https://example.com/twice", "\"maxClicks\": 2");
        HttpResponse<String> peek = node.head("/max002");
        assertThat(peek.statusCode()).as("HEAD before any click").isEqualTo(302);
        assertRedirect(node.get("/max002"), "click 1", 302, "https://example.com/twice");
        assertThat(node.head("/max002").statusCode()).as("HEAD between clicks").isEqualTo(302);
        assertThat(node.head("/max002").statusCode()).as("HEAD between clicks").isEqualTo(302);
        assertRedirect(node.get("/max002"), "click 2", 302, "https://example.com/twice");

        assertGone(node.get("/max002", "Accept", BROWSER_ACCEPT), "click 3");
        assertProblem(node.get("/max002", "Accept", "application/json"), 410, "link-exhausted");
        assertThat(node.head("/max002").statusCode()).as("HEAD once used up").isEqualTo(410);
    }

    @Test
    void concurrentClicksNeverGetPastTheLimit() throws InterruptedException {
        node.createLink("max010", "https://example.com/ten", "\"maxClicks\": 10");
        java.util.concurrent.ConcurrentLinkedQueue<Integer> statuses = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                pool.execute(() -> statuses.add(node.get("/max010").statusCode()));
            }
        }
        assertThat(statuses).hasSize(40);
        assertThat(statuses.stream().filter(s -> s == 302).count()).as("redirects out of 40 concurrent clicks: %s", statuses).isEqualTo(10);
        assertThat(statuses.stream().filter(s -> s == 410).count()).isEqualTo(30);
    }

    @Test
    void raisingTheLimitOrEnablingAgainRevivesALink() {
        node.createLink("max001", "https://example.com/once", "\"maxClicks\": 1");
        assertRedirect(node.get("/max001"), "the one click", 302, "https://example.com/once");
        assertThat(node.get("/max001").statusCode()).as("used up").isEqualTo(410);

        assertThat(node.admin("PATCH", "/api/v1/links/max001", "{\"maxClicks\": 2}").statusCode()).isEqualTo(200);
        assertRedirect(node.get("/max001"), "after raising the limit to 2", 302, "https://example.com/once");
        assertThat(node.get("/max001").statusCode()).as("used up again").isEqualTo(410);

        assertThat(node.admin("PATCH", "/api/v1/links/max001", "{\"maxClicks\": null, \"disabled\": true}").statusCode()).isEqualTo(200);
        assertThat(node.get("/max001").statusCode()).as("disabled").isEqualTo(410);
        assertThat(node.admin("PATCH", "/api/v1/links/max001", "{\"disabled\": false}").statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertRedirect(node.get("/max001"), "enabled again, without a limit", 302, "https://example.com/once");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        node.createLink("pipe01", "https://example.com/pipe1", null);
        node.createLink("pipe02", "https://example.com/pipe2", "\"redirect\": 301");
        assertRedirect(node.get("/pipe01"), "warm", 302, "https://example.com/pipe1");
        // a memory hit, a store miss, an API call, an unknown code and a hit again, in one write
        String[] paths = {"/pipe01", "/pipe02", "/healthz", "/pipe404", "/pipe01", "/pipe02+"};
        StringBuilder batch = new StringBuilder();
        for (String p : paths) {
            batch.append("GET ").append(p).append(" HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n");
        }
        int[] expected = {302, 301, 200, 404, 302, 200};
        try (RawHttp c = new RawHttp(node.port())) {
            c.write(batch.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int i = 0; i < paths.length; i++) {
                RawHttp.Response r = c.read(false);
                assertThat(r.status()).as("answer %d, to GET %s", i, paths[i]).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void theFastPathAndTheFullDecoderTakeTurnsOnOneConnectionInOrder() {
        node.createLink("turn01", "https://example.com/turn1", null);
        assertRedirect(node.get("/turn01"), "warm", 302, "https://example.com/turn1");
        String post = "{\"url\": \"https://example.com/turn2\", \"code\": \"turn02\"}";
        String[] requests = {
                "GET /turn01 HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /api/v1/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + node.adminKey()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + post.length() + "\r\n\r\n" + post,
                "GET /turn01 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /turn01 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", // a body: the full decoder frames it
                "HEAD /turn02 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /turn02?q=1 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /turn01/ HTTP/1.1\r\nHost: x\r\n\r\n",
        };
        int[] expected = {302, 201, 302, 302, 302, 302, 302};
        try (RawHttp c = new RawHttp(node.port())) {
            c.write(String.join("", requests).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int i = 0; i < requests.length; i++) {
                RawHttp.Response r = c.read(requests[i].startsWith("HEAD "));
                assertThat(r.status()).as("answer %d, to %s", i, requests[i].lines().findFirst().orElseThrow()).isEqualTo(expected[i]);
            }
            // and again, one at a time, after the connection went back to the fast path
            for (int i = 0; i < 3; i++) {
                c.write("GET /turn02 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                RawHttp.Response r = c.read(false);
                assertThat(r.status()).isEqualTo(302);
                assertThat(r.header("location")).isEqualTo("https://example.com/turn2");
            }
        }
    }

    @Test
    void aRequestHeadArrivingInPiecesIsServed() throws InterruptedException {
        node.createLink("piece1", "https://example.com/piece", null);
        assertRedirect(node.get("/piece1"), "warm", 302, "https://example.com/piece");
        String req = "GET /piece1 HTTP/1.1\r\nHost: x\r\nUser-Agent: slow\r\n\r\n";
        try (RawHttp c = new RawHttp(node.port())) {
            for (int cut : new int[] {3, 9, 20, 31, req.length() - 1}) {
                c.write(req.substring(0, cut).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                Thread.sleep(30);
                c.write(req.substring(cut).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                RawHttp.Response r = c.read(false);
                assertThat(r.status()).as("cut at %d", cut).isEqualTo(302);
                assertThat(r.header("location")).isEqualTo("https://example.com/piece");
            }
        }
    }

    @Test
    void connectionCloseOnAHitClosesAfterTheReply() {
        node.createLink("close1", "https://example.com/close", null);
        assertRedirect(node.get("/close1"), "warm", 302, "https://example.com/close");
        try (RawHttp c = new RawHttp(node.port())) {
            c.write(("GET /close1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "GET /close1 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).as("no answer to the request after the close").isTrue();
        }
    }

    @Test
    void previewShowsTheEscapedTargetAndTitleInsteadOfRedirecting() {
        String url = "https://example.com/it's?a=1&b=2";
        node.createLink("prv001", url, "\"title\": \"<script>alert(1)</script>\"");

        HttpResponse<String> r = node.get("/prv001+", "Accept", BROWSER_ACCEPT);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
        assertThat(r.headers().firstValue("location")).isEmpty();
        assertThat(r.headers().firstValue("x-robots-tag")).hasValue("noindex");
        assertThat(r.body())
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>")
                .contains("https://example.com/it&#39;s?a=1&amp;b=2")
                .doesNotContain("a=1&b=2")
                .contains("/prv001");
    }

    @Test
    void previewOfAnUnknownCodeIs404() {
        HttpResponse<String> r = node.get("/nosuch+", "Accept", BROWSER_ACCEPT);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("x-robots-tag")).hasValue("noindex");
    }

    @Test
    void codesAreCaseSensitive() {
        node.createLink("abc123", "https://example.com/lower", null);
        node.createLink("ABC123", "https://example.com/upper", null);
        for (int pass = 0; pass < 2; pass++) {
            assertRedirect(node.get("/abc123"), "abc123", 302, "https://example.com/lower");
            assertRedirect(node.get("/ABC123"), "ABC123", 302, "https://example.com/upper");
        }
        assertThat(node.get("/Abc123").statusCode()).as("a third spelling is a different, unknown code").isEqualTo(404);
    }

    @Test
    void oneTrailingSlashIsToleratedTwoAreNot() {
        node.createLink("slash1", "https://example.com/slash", null);
        assertRedirect(node.get("/slash1/"), "from the store", 302, "https://example.com/slash");
        assertRedirect(node.get("/slash1/"), "from memory", 302, "https://example.com/slash");
        HttpResponse<String> two = node.get("/slash1//");
        assertThat(two.statusCode()).isEqualTo(404);
        assertThat(two.headers().firstValue("location")).isEmpty();
    }

    @ParameterizedTest(name = "{1} + ?{2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            fwd001 | https://example.com/landing           | utm=1     | https://example.com/landing?utm=1
            fwd002 | https://example.com/p?a=b             | utm=1&x=2 | https://example.com/p?a=b&utm=1&x=2
            fwd003 | https://example.com/p#section         | utm=1     | https://example.com/p?utm=1#section
            fwd004 | https://example.com/p?a=b#section     | utm=1     | https://example.com/p?a=b&utm=1#section
            """)
    void queryIsForwardedWhenTheLinkAsksForIt(String code, String target, String query, String expected) {
        node.createLink(code, target, "\"forwardQuery\": true");
        assertRedirect(node.get("/" + code + "?" + query), "from the store", 302, expected);
        assertRedirect(node.get("/" + code + "?" + query), "from memory", 302, expected);
        assertRedirect(node.get("/" + code), "without a query", 302, target);
        assertRedirect(node.get("/" + code + "?"), "with an empty query", 302, target);
    }

    @Test
    void queryIsNotForwardedByDefault() {
        node.createLink("nofwd1", "https://example.com/plain", null);
        assertRedirect(node.get("/nofwd1?utm=1"), "from the store", 302, "https://example.com/plain");
        assertRedirect(node.get("/nofwd1?utm=1"), "from memory", 302, "https://example.com/plain");
    }

    @Test
    void aCodeRequestedBeforeItExistedRedirectsAsSoonAsItIsCreated() {
        assertThat(node.get("/zzz999").statusCode()).as("before creation").isEqualTo(404);
        assertThat(node.get("/zzz999").statusCode()).as("before creation, remembered as unknown").isEqualTo(404);

        node.createLink("zzz999", "https://example.com/new", null);

        assertRedirect(node.get("/zzz999"), "right after creation", 302, "https://example.com/new");
    }

    @Test
    void aCodeRequestedBeforeABulkCreateRedirectsAsSoonAsItIsCreated() {
        assertThat(node.get("/yyy888").statusCode()).isEqualTo(404);
        assertThat(node.get("/yyy888").statusCode()).isEqualTo(404);

        HttpResponse<String> r = node.admin("POST", "/api/v1/links/bulk",
                "{\"links\": [{\"code\": \"yyy888\", \"url\": \"https://example.com/bulk-new\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        assertRedirect(node.get("/yyy888"), "right after bulk creation", 302, "https://example.com/bulk-new");
    }

    @Test
    void anUpdatedTargetIsServedAtOnce() {
        node.createLink("def456", "https://example.com/old", null);
        assertRedirect(node.get("/def456"), "before", 302, "https://example.com/old");
        assertRedirect(node.get("/def456"), "before, from memory", 302, "https://example.com/old");

        HttpResponse<String> patched = node.admin("PATCH", "/api/v1/links/def456", "{\"url\": \"https://example.com/new\", \"redirect\": 307}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

        assertRedirect(node.get("/def456"), "right after the update", 307, "https://example.com/new");
    }

    @Test
    void aDeletedLinkIsGoneAtOnce() {
        node.createLink("del404", "https://example.com/deleted", null);
        assertRedirect(node.get("/del404"), "before", 302, "https://example.com/deleted");
        assertRedirect(node.get("/del404"), "before, from memory", 302, "https://example.com/deleted");

        assertThat(node.admin("DELETE", "/api/v1/links/del404", null).statusCode()).isEqualTo(204);

        assertThat(node.get("/del404").statusCode()).isEqualTo(410);
    }

    @Test
    void headAnswersLikeGetWithoutABody() {
        node.createLink("head01", "https://example.com/head", "\"redirect\": 308");
        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> r = node.head("/head01");
            assertThat(r.statusCode()).as(pass).isEqualTo(308);
            assertThat(r.headers().firstValue("location")).as(pass).hasValue("https://example.com/head");
            assertThat(r.headers().firstValue("cache-control")).as(pass).hasValue("public, max-age=3600");
            assertThat(r.headers().firstValue("x-robots-tag")).as(pass).hasValue("noindex");
        }
    }

    @Test
    void headOfMissingAndGoneLinksSendsNoBodyOnTheWire() {
        // a body after a HEAD answer would be read as the next response on a keep-alive connection
        node.createLink("head02", "https://example.com/head2", "\"maxClicks\": 1");
        assertRedirect(node.get("/head02"), "the one click", 302, "https://example.com/head2");
        try (RawHttp c = new RawHttp(node.port())) {
            String[][] cases = {{"/nohead", "404"}, {"/nohead", "404"}, {"/head02", "410"}, {"/head02", "410"}, {"/head02+", "200"}};
            for (String[] c2 : cases) {
                c.write(("HEAD " + c2[0] + " HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n").getBytes());
                RawHttp.Response r = c.read(true);
                assertThat(r.status()).as("HEAD %s", c2[0]).isEqualTo(Integer.parseInt(c2[1]));
                assertThat(r.header("x-robots-tag")).as("HEAD %s", c2[0]).isEqualTo("noindex");
            }
            c.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            RawHttp.Response after = c.read(false);
            assertThat(after.status()).as("the request after the HEADs").isEqualTo(200);
            assertThat(after.body()).contains("ok");
        }
    }

    @Test
    void http10ClientWithoutKeepAliveGetsTheRedirectAndAClosedConnection() {
        node.createLink("old010", "https://example.com/http10", null);
        for (String pass : new String[] {"from the store", "from memory"}) {
            try (RawHttp c = new RawHttp(node.port())) {
                c.write("GET /old010 HTTP/1.0\r\n\r\n".getBytes());
                RawHttp.Response r = c.read(false);
                assertThat(r.status()).as(pass).isEqualTo(302);
                assertThat(r.header("location")).as(pass).isEqualTo("https://example.com/http10");
                c.timeout(3_000);
                assertThat(c.closedByServer()).as(pass + ": an HTTP/1.0 request without keep-alive ends the connection").isTrue();
            }
        }
    }

    @Test
    void curlSeesTheSameRedirectOverHttp10AndWithHead() {
        node.createLink("curl01", "https://example.com/curl?x=1", "\"redirect\": 301");
        Curl.Result get = Curl.run("--http1.0", "--output", "/dev/null", "--dump-header", "-", node.baseUrl() + "/curl01");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).containsPattern("(?m)^HTTP/1\\.[01] 301")
                .containsIgnoringCase("location: https://example.com/curl?x=1\r\n")
                .containsIgnoringCase("cache-control: public, max-age=3600")
                .containsIgnoringCase("x-robots-tag: noindex");

        Curl.Result head = Curl.run("--head", node.baseUrl() + "/curl01");
        assertThat(head.exit()).as(head.err()).isZero();
        assertThat(head.out()).containsPattern("(?m)^HTTP/1\\.1 301")
                .containsIgnoringCase("location: https://example.com/curl?x=1\r\n");
    }

    private static void assertRedirect(HttpResponse<String> r, String pass, int status, String location) {
        assertThat(r.statusCode()).as("%s: status of %s (%s)", pass, r.uri(), r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("location")).as("%s: Location of %s", pass, r.uri()).hasValue(location);
        assertThat(r.headers().firstValue("x-robots-tag")).as("%s: X-Robots-Tag", pass).hasValue("noindex");
        assertThat(r.body()).as(pass).isEmpty();
    }

    private static void assertGone(HttpResponse<String> r, String pass) {
        assertThat(r.statusCode()).as("%s: %s", pass, r.body()).isEqualTo(410);
        assertThat(r.headers().firstValue("location")).as(pass).isEmpty();
        assertThat(r.headers().firstValue("x-robots-tag")).as(pass).hasValue("noindex");
        assertThat(r.headers().firstValue("content-type")).as(pass).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    }
}
