package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/links} as an API client uses it. */
class LinksApiIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @Test
    void createReturnsTheNewLinkWithAGeneratedCodeAndItsLocation() {
        HttpResponse<String> r = node.admin("POST", "/api/v1/links", "{\"url\": \"https://example.com/generated\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode link = parse(r.body());
        String code = link.get("code").asText();
        assertThat(code).matches("[0-9A-Za-z]{7}");
        assertThat(link.get("url").asText()).isEqualTo("https://example.com/generated");
        assertThat(link.get("redirect").asInt()).isEqualTo(302);
        assertThat(r.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/links/" + code));
        assertThat(node.get("/" + code).headers().firstValue("location")).hasValue("https://example.com/generated");
    }

    @Test
    void theShortUrlInTheAnswerIsOneThatWorks() {
        JsonNode link = node.createLink("{\"url\": \"https://example.com/short-url\"}");
        String shortUrl = link.get("shortUrl").asText();
        URI u = URI.create(shortUrl);
        assertThat(u.getPort()).as("port of shortUrl %s (node listens on %d)", shortUrl, node.port()).isEqualTo(node.port());
        assertThat(u.getPath()).isEqualTo("/" + link.get("code").asText());
        HttpResponse<String> followed = node.send(HttpRequest.newBuilder(u).GET().build());
        assertThat(followed.statusCode()).isEqualTo(302);
        assertThat(followed.headers().firstValue("location")).hasValue("https://example.com/short-url");
    }

    @Test
    void aForgedHostHeaderCannotInjectIntoTheShortUrl() {
        String body = "{\"code\": \"host01\", \"url\": \"https://example.com/host\"}";
        RawHttp.Response r = RawHttp.exchange(node.port(), "POST /api/v1/links HTTP/1.1\r\nHost: evil.example/\"><script>x</script>\r\n"
                + "Authorization: Bearer " + node.adminKey() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(r.status()).as(r.body()).isIn(201, 400);
        assertThat(r.body()).doesNotContain("<script>").doesNotContain("evil.example/");

        HttpResponse<String> preview = node.get("/host01+", "Accept", "text/html");
        assertThat(preview.body()).doesNotContain("evil.example");
    }

    @Test
    void aConfiguredPublicUrlIsTheBaseOfEveryShortUrl(@TempDir Path dir) {
        try (TestNode sho = TestNode.start(dir, c -> new dev.shortr.config.ShortrConfig(new dev.shortr.config.ServerConfig(
                c.server().host(), 0, 1, "https://sho.rt", c.server().maxBodyBytes(), false, c.server().idleTimeout(),
                c.server().shutdownGrace(), 0, true, c.server().headerTimeout(), c.server().maxConnections(), c.server().serverTiming()), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(),
                c.webhooks(), c.tls()))) {
            JsonNode link = sho.createLink("pub001", "https://example.com/public", null);
            assertThat(link.get("shortUrl").asText()).isEqualTo("https://sho.rt/pub001");
            assertThat(parse(sho.admin("GET", "/api/v1/links/pub001", null).body()).get("shortUrl").asText()).isEqualTo("https://sho.rt/pub001");
            assertThat(sho.get("/pub001+", "Accept", "text/html").body()).contains("https://sho.rt/pub001");
        }
    }

    @Test
    void generatedCodesAreDistinct() {
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            codes.add(node.createLink("{\"url\": \"https://example.com/same\"}").get("code").asText());
        }
        assertThat(codes).hasSize(50);
    }

    @Test
    void aliasIsUsedAsTheCode() {
        JsonNode link = node.createLink("jkl012", "https://example.com/alias", "\"title\": \"Alias\", \"tags\": [\"a\", \"b\"]");
        assertThat(link.get("code").asText()).isEqualTo("jkl012");
        assertThat(link.get("shortUrl").asText()).endsWith("/jkl012");
        assertThat(link.get("title").asText()).isEqualTo("Alias");
        assertThat(link.get("tags")).extracting(JsonNode::asText).containsExactly("a", "b");
    }

    @Test
    void aliasTakenIsAConflict() {
        node.createLink("mno345", "https://example.com/first", null);
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", "{\"code\": \"mno345\", \"url\": \"https://example.com/second\"}"),
                409, "alias-taken");
        assertThat(p.get("detail").asText()).contains("mno345");
        assertThat(node.get("/mno345").headers().firstValue("location")).as("the first link is untouched").hasValue("https://example.com/first");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "healthz", "metrics", "ui", "static", "readyz", "API", "Metrics"})
    void reservedAliasIsRefused(String alias) {
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", "{\"code\": \"" + alias + "\", \"url\": \"https://example.com/r\"}"),
                400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("code");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "dot.dot", "slash/x", "per%cent", "ümlaut", "q?x", "a+b", "",
            "x1234567890123456789012345678901234567890123456789012345678901234"})
    void aliasWithInvalidCharactersIsRefused(String alias) {
        String json = "{\"code\": " + TestNode.JSON.valueToTree(alias) + ", \"url\": \"https://example.com/r\"}";
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", json), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("code");
    }

    static List<String> badTargets() {
        return List.of("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x", "http://user:pw@host/",
                "http://", "https://example.com/" + "a".repeat(8193 - "https://example.com/".length()), "example.com/no-scheme",
                "http://exa mple.com/", "http://example.com/\r\nSet-Cookie: x=1", "");
    }

    @ParameterizedTest
    @MethodSource("badTargets")
    void targetsThatAreNotPlainHttpUrlsAreRefused(String url) {
        int before = node.linkCount();
        String json = "{\"url\": " + TestNode.JSON.valueToTree(url) + "}";
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", json), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("url");
        assertThat(node.linkCount()).as("nothing created").isEqualTo(before);
    }

    @Test
    void missingUrlIsRefused() {
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", "{\"title\": \"no url\"}"), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("url");
    }

    @Test
    void internationalTargetIsStoredAsPunycodeAndPercentEncoding() {
        JsonNode link = node.createLink("{\"url\": \"https://bücher.example/ä\"}");
        assertThat(link.get("url").asText()).isEqualTo("https://xn--bcher-kva.example/%C3%A4");
        assertThat(node.get("/" + link.get("code").asText()).headers().firstValue("location"))
                .hasValue("https://xn--bcher-kva.example/%C3%A4");
    }

    @Test
    void reuseReturnsTheExistingLinkForTheSameTarget() {
        JsonNode first = node.createLink("{\"url\": \"https://example.com/reused\", \"reuse\": true}");
        HttpResponse<String> again = node.admin("POST", "/api/v1/links", "{\"url\": \"https://example.com/reused\", \"reuse\": true}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(parse(again.body()).get("code").asText()).isEqualTo(first.get("code").asText());

        JsonNode withoutReuse = node.createLink("{\"url\": \"https://example.com/reused\"}");
        assertThat(withoutReuse.get("code").asText()).as("without reuse a new link is made").isNotEqualTo(first.get("code").asText());
    }

    @Test
    void aFarFutureExpiryIsRefusedOrHonoured() {
        HttpResponse<String> r = node.admin("POST", "/api/v1/links",
                "{\"code\": \"far001\", \"url\": \"https://example.com/far\", \"redirect\": 301, \"expiresAt\": \"+999999999-12-31T23:59:59Z\"}");
        if (r.statusCode() == 400) {
            assertThat(parse(r.body()).at("/errors/0/field").asText()).isEqualTo("expiresAt");
            return;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> go = node.get("/far001");
            assertThat(go.statusCode()).as("%s: %s", pass, go.body()).isEqualTo(301);
            assertThat(go.headers().firstValue("cache-control")).hasValue("public, max-age=3600");
        }
    }

    @Test
    void getPatchAndDelete() {
        node.createLink("pqr678", "https://example.com/crud", "\"title\": \"Before\", \"tags\": [\"x\"]");

        HttpResponse<String> got = node.admin("GET", "/api/v1/links/pqr678", null);
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode link = parse(got.body());
        assertThat(link.get("url").asText()).isEqualTo("https://example.com/crud");
        assertThat(link.get("title").asText()).isEqualTo("Before");

        HttpResponse<String> patched = node.admin("PATCH", "/api/v1/links/pqr678",
                "{\"url\": \"https://example.com/crud2\", \"title\": null, \"tags\": [\"y\", \"z\"], \"redirect\": 301}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode after = parse(patched.body());
        assertThat(after.get("url").asText()).isEqualTo("https://example.com/crud2");
        assertThat(after.get("title").isNull()).as("title cleared by null: %s", after).isTrue();
        assertThat(after.get("tags")).extracting(JsonNode::asText).containsExactly("y", "z");
        assertThat(after.get("redirect").asInt()).isEqualTo(301);
        assertThat(parse(node.admin("GET", "/api/v1/links/pqr678", null).body()).get("url").asText())
                .as("the update is stored").isEqualTo("https://example.com/crud2");

        assertThat(node.admin("DELETE", "/api/v1/links/pqr678", null).statusCode()).isEqualTo(204);
        assertProblem(node.admin("GET", "/api/v1/links/pqr678", null), 404, "link-not-found");
        assertProblem(node.admin("DELETE", "/api/v1/links/pqr678", null), 404, "link-not-found");
        assertProblem(node.admin("PATCH", "/api/v1/links/pqr678", "{\"title\": \"x\"}"), 404, "link-not-found");
    }

    @Test
    void patchWithAnInvalidTargetLeavesTheLinkAlone() {
        node.createLink("stu901", "https://example.com/kept", null);
        JsonNode p = assertProblem(node.admin("PATCH", "/api/v1/links/stu901", "{\"url\": \"javascript:alert(1)\"}"), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("url");
        assertThat(node.get("/stu901").headers().firstValue("location")).hasValue("https://example.com/kept");
    }

    @Test
    void listPagesThroughEveryLinkOnceNewestFirst() {
        String key = node.mintKey("pager", "links:read", "links:write");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(node.createLinkAs(key, "{\"url\": \"https://example.com/page/" + i + "\"}").get("code").asText());
        }

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = node.api("GET", "/api/v1/links?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = parse(r.body());
            page.get("items").forEach(l -> seen.add(l.get("code").asText()));
            pageSizes.add(page.get("items").size());
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && pageSizes.size() < 10);

        assertThat(pageSizes).as("pages of 2, 2 and 1").containsExactly(2, 2, 1);
        assertThat(seen).as("newest first, each once").containsExactlyElementsOf(created.reversed());
    }

    @Test
    void listPagesOldestFirstWhenAskedAndRefusesAnotherOrder() {
        String key = node.mintKey("pager-asc", "links:read", "links:write");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(node.createLinkAs(key, "{\"url\": \"https://example.com/asc/" + i + "\"}").get("code").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = node.api("GET", "/api/v1/links?sort=oldest&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = parse(r.body());
            page.get("items").forEach(l -> seen.add(l.get("code").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && ++pages < 10);
        assertThat(seen).as("oldest first, each once").containsExactlyElementsOf(created);

        HttpResponse<String> bad = node.api("GET", "/api/v1/links?sort=clicks", key, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("sort");
    }

    @Test
    void listFiltersByTag() {
        node.createLink("tag001", "https://example.com/t1", "\"tags\": [\"spring-sale\"]");
        node.createLink("tag002", "https://example.com/t2", "\"tags\": [\"spring-sale\", \"email\"]");
        node.createLink("tag003", "https://example.com/t3", "\"tags\": [\"email\"]");
        assertThat(listCodes("tag=spring-sale")).containsExactlyInAnyOrder("tag001", "tag002");
        assertThat(listCodes("tag=email")).containsExactlyInAnyOrder("tag002", "tag003");
        assertThat(listCodes("tag=spring")).as("tags match exactly").isEmpty();
    }

    @Test
    void listSearchesCodeTargetAndTitle() {
        node.createLink("srchQ1", "https://example.com/one", null);
        node.createLink("other1", "https://example.com/Needle-in-target", null);
        node.createLink("other2", "https://example.com/three", "\"title\": \"A NEEDLE in the title\"");
        assertThat(listCodes("q=srchq")).as("by code, ignoring case").containsExactly("srchQ1");
        assertThat(listCodes("q=needle")).as("by target or title, ignoring case").containsExactlyInAnyOrder("other1", "other2");
        assertThat(listCodes("q=" + enc("NEEDLE in the"))).containsExactly("other2");
    }

    @Test
    void listSearchTreatsWildcardCharactersLiterally() {
        node.createLink("wild_1", "https://example.com/w1", "\"title\": \"100% off\"");
        node.createLink("wildx1", "https://example.com/w2", "\"title\": \"1000 things\"");
        assertThat(listCodes("q=wild_")).as("'_' is a character, not a wildcard").containsExactly("wild_1");
        assertThat(listCodes("q=" + enc("100%"))).as("'%' is a character, not a wildcard").containsExactly("wild_1");
    }

    @Test
    void listFiltersByCreationTime() throws InterruptedException {
        JsonNode a = node.createLink("time01", "https://example.com/time-a", "\"tags\": [\"timed\"]");
        Thread.sleep(20);
        JsonNode b = node.createLink("time02", "https://example.com/time-b", "\"tags\": [\"timed\"]");
        String at = b.get("createdAt").asText();
        assertThat(Instant.parse(at)).isAfter(Instant.parse(a.get("createdAt").asText()));

        assertThat(listCodes("tag=timed&from=" + enc(at))).as("from is inclusive").containsExactly("time02");
        String wholeSecond = Instant.parse(a.get("createdAt").asText()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        assertThat(listCodes("tag=timed&from=" + enc(wholeSecond))).as("from=%s (a whole second before both)", wholeSecond)
                .containsExactlyInAnyOrder("time01", "time02");
        assertThat(listCodes("tag=timed&to=" + enc(at))).as("to is exclusive").containsExactly("time01");

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(listCodes("tag=timed&from=" + today + "&to=" + today)).as("a date covers the whole day")
                .containsExactlyInAnyOrder("time01", "time02");
        assertThat(listCodes("tag=timed&from=" + today.plusDays(1))).isEmpty();
        assertThat(listCodes("tag=timed&to=" + today.minusDays(1))).isEmpty();
        assertProblem(node.admin("GET", "/api/v1/links?from=yesterday", null), 400, "invalid-field");
    }

    @Test
    void listRefusesABadCursorAndLimit() {
        assertProblem(node.admin("GET", "/api/v1/links?cursor=garbage", null), 400, "invalid-field");
        assertProblem(node.admin("GET", "/api/v1/links?limit=0", null), 400, "invalid-field");
        assertProblem(node.admin("GET", "/api/v1/links?limit=1001", null), 400, "invalid-field");
        assertProblem(node.admin("GET", "/api/v1/links?limit=ten", null), 400, "invalid-field");
    }

    @Test
    void bulkCreatesAThousandLinksInOneCall() {
        StringBuilder b = new StringBuilder("{\"links\": [");
        for (int i = 0; i < 1000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"url\": \"https://example.com/bulk/").append(i).append("\"}");
        }
        HttpResponse<String> r = node.admin("POST", "/api/v1/links/bulk", b.append("]}").toString());

        assertThat(r.statusCode()).as(r.body().substring(0, Math.min(500, r.body().length()))).isEqualTo(200);
        JsonNode items = parse(r.body()).get("items");
        assertThat(items).hasSize(1000);
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            JsonNode item = items.get(i);
            assertThat(item.get("status").asInt()).isEqualTo(201);
            assertThat(item.at("/link/url").asText()).as("item %d in order", i).isEqualTo("https://example.com/bulk/" + i);
            codes.add(item.at("/link/code").asText());
        }
        assertThat(codes).hasSize(1000);
        String some = items.get(999).at("/link/code").asText();
        assertThat(node.get("/" + some).headers().firstValue("location")).hasValue("https://example.com/bulk/999");
    }

    @Test
    void bulkWithABadItemCreatesTheRestAndReportsEachInOrder() {
        node.createLink("vwx234", "https://example.com/taken", null);
        String body = """
                {"links": [
                  {"code": "bulk01", "url": "https://example.com/ok1"},
                  {"code": "bulk02", "url": "javascript:alert(1)"},
                  {"code": "vwx234", "url": "https://example.com/dup"},
                  {"code": "bulk04", "url": "https://example.com/ok4", "colour": "red"},
                  "not an object",
                  {"code": "bulk06", "url": "https://example.com/ok6"}
                ]}""";
        HttpResponse<String> r = node.admin("POST", "/api/v1/links/bulk", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(207);
        JsonNode items = parse(r.body()).get("items");
        assertThat(items).extracting(i -> i.get("status").asInt()).containsExactly(201, 400, 409, 400, 400, 201);
        assertThat(items.get(1).at("/problem/errors/0/field").asText()).isEqualTo("url");
        assertThat(items.get(2).at("/problem/type").asText()).endsWith("/alias-taken");
        assertThat(items.get(3).at("/problem/detail").asText()).contains("colour");
        assertThat(node.get("/bulk01").statusCode()).isEqualTo(302);
        assertThat(node.get("/bulk06").statusCode()).isEqualTo(302);
        assertThat(node.get("/bulk02").statusCode()).isEqualTo(404);
        assertThat(node.get("/bulk04").statusCode()).isEqualTo(404);
        assertThat(node.get("/vwx234").headers().firstValue("location")).hasValue("https://example.com/taken");
    }

    @Test
    void bulkWithTheSameAliasTwiceCreatesItOnce() {
        HttpResponse<String> r = node.admin("POST", "/api/v1/links/bulk", """
                [{"code": "twice1", "url": "https://example.com/first"},
                 {"code": "twice1", "url": "https://example.com/second"},
                 {"code": "twice2", "url": "https://example.com/third"}]""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(207);
        assertThat(parse(r.body()).get("items")).extracting(i -> i.get("status").asInt()).containsExactly(201, 409, 201);
        assertThat(node.get("/twice1").headers().firstValue("location")).hasValue("https://example.com/first");
        assertThat(node.get("/twice2").headers().firstValue("location")).hasValue("https://example.com/third");
    }

    @Test
    void concurrentCreatesOfOneAliasYieldOneLink() {
        java.util.concurrent.ConcurrentLinkedQueue<Integer> statuses = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                pool.execute(() -> statuses.add(node.admin("POST", "/api/v1/links",
                        "{\"code\": \"race01\", \"url\": \"https://example.com/race/" + n + "\"}").statusCode()));
            }
        }
        assertThat(statuses.stream().filter(s -> s == 201).count()).as("statuses %s", statuses).isEqualTo(1);
        assertThat(statuses.stream().filter(s -> s == 409).count()).as("statuses %s", statuses).isEqualTo(19);
        assertThat(node.get("/race01").statusCode()).isEqualTo(302);
    }

    @Test
    void chunkedAndExpectContinueBodiesAreRead() {
        byte[] body = "{\"code\": \"chunk1\", \"url\": \"https://example.com/chunked\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = node.send(node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(201);

        HttpResponse<String> continued = node.send(node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                .header("Content-Type", "application/json").expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\": \"cont01\", \"url\": \"https://example.com/continued\"}")).build());
        assertThat(continued.statusCode()).as(continued.body()).isEqualTo(201);
        assertThat(node.get("/chunk1").statusCode()).isEqualTo(302);
        assertThat(node.get("/cont01").statusCode()).isEqualTo(302);
    }

    @Test
    void bulkOfMoreThanAThousandIsRefusedWhole() {
        int before = node.linkCount();
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            b.append(i == 0 ? "" : ",").append("{\"url\": \"https://example.com/over/").append(i).append("\"}");
        }
        assertProblem(node.admin("POST", "/api/v1/links/bulk", b.append("]").toString()), 413, "bulk-too-large");
        assertThat(node.linkCount()).isEqualTo(before);
    }

    @Test
    void getCarriesAnETagAndAnswers304UntilTheLinkChanges() {
        node.createLink("etag01", "https://example.com/etag", null);
        HttpResponse<String> first = node.admin("GET", "/api/v1/links/etag01", null);
        String etag = first.headers().firstValue("etag").orElseThrow(() -> new AssertionError("no ETag: " + first.headers().map()));

        HttpResponse<String> cached = node.send(node.request("/api/v1/links/etag01")
                .header("Authorization", "Bearer " + node.adminKey()).header("If-None-Match", etag).GET().build());
        assertThat(cached.statusCode()).isEqualTo(304);
        assertThat(cached.body()).isEmpty();
        assertThat(cached.headers().firstValue("etag")).hasValue(etag);

        assertThat(node.admin("PATCH", "/api/v1/links/etag01", "{\"title\": \"changed\"}").statusCode()).isEqualTo(200);

        HttpResponse<String> changed = node.send(node.request("/api/v1/links/etag01")
                .header("Authorization", "Bearer " + node.adminKey()).header("If-None-Match", etag).GET().build());
        assertThat(changed.statusCode()).as("a changed link is sent again").isEqualTo(200);
        assertThat(changed.headers().firstValue("etag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
        assertThat(parse(changed.body()).get("title").asText()).isEqualTo("changed");
    }

    @Test
    void everyErrorIsAProblemDocument() {
        assertProblem(node.api("POST", "/api/v1/links", null, "{\"url\": \"https://example.com/\"}"), 401, "unauthorized");
        assertProblem(node.admin("POST", "/api/v1/links", "{\"url\": \"ftp://x\"}"), 400, "invalid-field");
        assertProblem(node.admin("POST", "/api/v1/links", "{\"url\": "), 400, "malformed-body");
        assertProblem(node.admin("GET", "/api/v1/links/nothere", null), 404, "link-not-found");
        assertProblem(node.admin("GET", "/api/v1/nothing", null), 404, null);
        assertProblem(node.admin("PUT", "/api/v1/links/nothere", "{}"), 405, "method-not-allowed");
        HttpResponse<String> noType = node.send(node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertProblem(noType, 415, "unsupported-media-type");
    }

    private static List<String> listCodes(String query) {
        HttpResponse<String> r = node.admin("GET", "/api/v1/links?limit=1000&" + query, null);
        assertThat(r.statusCode()).as("list ?%s -> %s", query, r.body()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        parse(r.body()).get("items").forEach(l -> codes.add(l.get("code").asText()));
        return codes;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
