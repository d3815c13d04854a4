package dev.shortr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.app.Stores;
import dev.shortr.config.StoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    private static final String ABC123 = link("abc123", "https://example.com/long", 302, false);
    private static final String DEF456 = link("def456", "https://example.org/other", 301, true);

    private FakeApi api;

    @TempDir
    Path dir;

    @BeforeEach
    void startFake() throws IOException {
        api = new FakeApi();
    }

    @AfterEach
    void stopFake() {
        api.close();
    }

    record Result(int exit, String out, String err) {}

    private static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result client(String... args) {
        return run(Map.of("SHORTR_SERVER", api.url(), "SHORTR_KEY", "sk_test"), args);
    }

    // --- usage ---

    @ParameterizedTest(name = "[{index}] shortr {0}")
    @CsvSource(delimiter = '|', value = {
            "''                                                   | missing command: serve, keys, links, visits, webhooks, changes, migrate, dns, edge, probe, version or completion (see 'shortr --help')",
            "bogus                                                | unknown command 'bogus'; expected serve, keys, links, visits, webhooks, changes, migrate, dns, edge, probe, completion, version (see 'shortr --help')",
            "links                                                | missing subcommand: create, list, get, update, delete, stats or qr (see 'shortr links --help')",
            "links craete                                         | unknown command 'craete'; expected create, update, delete, get, list, qr, stats (see 'shortr links --help')",
            "links create                                         | Missing required parameter: 'URL' (see 'shortr links create --help')",
            "links create https://x.example --redirect 303        | Invalid value for option '--redirect': expected 301, 302, 307 or 308, got '303' (see 'shortr links create --help')",
            "links create https://x.example --expires soon        | Invalid value for option '--expires': expected a time such as 2026-12-31T23:59:59Z or a date such as 2026-12-31, got 'soon' (see 'shortr links create --help')",
            "links list --prot 1                                  | unknown option '--prot' (see 'shortr links list --help')",
            "links get a b                                        | unexpected argument 'b' (see 'shortr links get --help')",
            "links qr abc123                                      | Missing required option: '--out=FILE' (see 'shortr links qr --help')",
            "links qr abc123 -o qr.gif --format gif               | --format must be svg or png, got 'gif' (see 'shortr links qr --help')",
            "links list --server ftp://x.example                  | Invalid value for option '--server': expected an http:// or https:// URL such as http://localhost:8080, got 'ftp://x.example' (see 'shortr links list --help')",
            "links update abc123                                  | nothing to update: name at least one field to change (see 'shortr links update --help')",
            "links update abc123 --expires 2026-01-01 --no-expiry | --expires and --no-expiry contradict each other; give one (see 'shortr links update --help')",
            "links update abc123 --enable --disable               | --disable and --enable contradict each other; give one (see 'shortr links update --help')",
            "links update abc123 --cdn-seconds 60 --no-cdn-seconds | --cdn-seconds and --no-cdn-seconds contradict each other; give one (see 'shortr links update --help')",
            "serve --port abc                                     | Invalid value for option '--port': 'abc' is not an int (see 'shortr serve --help')",
            "keys                                                 | missing subcommand: create, list or revoke (see 'shortr keys --help')",
            "keys create --scopes admin                           | Missing required option: '--name=NAME' (see 'shortr keys create --help')",
            "webhooks                                             | missing subcommand: create, list, delete, deliveries, test or rotate-secret (see 'shortr webhooks --help')",
            "webhooks create                                      | Missing required option: '--url=URL' (see 'shortr webhooks create --help')",
            "webhooks delete                                      | Missing required parameter: 'ID' (see 'shortr webhooks delete --help')",
            "webhooks deliveries wh_abc --limit many              | Invalid value for option '--limit': 'many' is not an int (see 'shortr webhooks deliveries --help')",
            "keys create --name ci --scopes admin,root            | Invalid value for option '--scopes' (SCOPE): unknown scope 'root'; expected links:read, links:write, stats:read, replication or admin (see 'shortr keys create --help')",
    })
    void usageErrorsAreOneLineAndExitTwo(String args, String message) {
        Result r = run(Map.of(), args.isEmpty() ? new String[0] : args.split(" "));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("shortr: " + message + "\n");
        assertThat(r.out()).isEmpty();
        assertThat(api.seen).isEmpty();
    }

    @Test
    void helpGoesToStdoutWithTheExitCodes() {
        Result r = run(Map.of(), "links", "create", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: shortr links create").contains("--redirect=STATUS", "3   the server cannot be reached");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"version", "--version", "links --version"})
    void versionIsDevOutsideAJar(String args) {
        Result r = run(Map.of(), args.split(" "));
        assertThat(r).isEqualTo(new Result(0, "shortr dev\n", ""));
    }

    @Test
    void completionIsABashScriptCoveringEveryCommand() {
        Result r = run(Map.of(), "completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_shortr", "_picocli_shortr_links_create", "_picocli_shortr_keys_revoke", "--redirect");
    }

    // --- config ---

    @Test
    void everyConfigProblemIsALineOfItsOwn() {
        Result r = run(Map.of("SHORTR_PROT", "80"), "serve", "--port", "70000", "--io-threads", "0", "--public-url", "ftp://x.example");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).containsExactlyInAnyOrder(
                "config: SHORTR_PROT: unknown environment variable; did you mean SHORTR_PORT?",
                "config: server.port: must be between 0 and 65535, got 70000 (command line)",
                "config: server.ioThreads: must be between 1 and 256, got 0 (command line)",
                "config: server.publicUrl: must be an absolute http:// or https:// URL without query, fragment or trailing slash, got 'ftp://x.example' (command line)");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingConfigFileIsAConfigProblem() {
        Path missing = dir.resolve("nope.yaml");
        Result r = run(Map.of(), "keys", "list", "--config", missing.toString());
        assertThat(r).isEqualTo(new Result(1, "", "config: config file " + missing + " does not exist\n"));
    }

    // --- keys (local store) ---

    @Test
    void keysAreMintedListedAndRevokedLocally() {
        Assumptions.assumeTrue(storeAvailable(), "Stores.open is not wired yet");
        String data = dir.resolve("data").toString();
        Result created = run(Map.of(), "keys", "create", "--data", data, "--name", "ci deploy", "--scopes", "links:read,links:write");
        assertThat(created.exit()).isZero();
        assertThat(created.out()).matches("sk_\\S+\n"); // the token and nothing else: scripts capture it
        String token = created.out().strip();

        Result listed = run(Map.of("SHORTR_DATA_DIR", data), "keys", "list");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("ID").contains("NAME", "SCOPES", "PREFIX", "CREATED", "REVOKED"));
        assertThat(listed.out()).contains("ci deploy", "links:read,links:write", token.substring(0, 11)).doesNotContain(token);

        String id = token.split("_")[1];
        assertThat(run(Map.of(), "keys", "revoke", "--data", data, id)).isEqualTo(new Result(0, "revoked " + id + "\n", ""));
        assertThat(run(Map.of(), "keys", "revoke", "--data", data, id))
                .isEqualTo(new Result(1, "", "shortr: no active key with id '" + id + "'\n"));
        assertThat(run(Map.of(), "keys", "create", "--data", data, "--name", " ", "--scopes", "admin"))
                .isEqualTo(new Result(1, "", "shortr: key name must be 1..100 printable characters\n"));
    }

    @Test
    void aDataDirThatIsAFileIsOneConfigLine() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThat(run(Map.of(), "keys", "list", "--data", file.toString())).isEqualTo(new Result(1, "",
                "config: store.dataDir: " + file + " exists and is not a directory (command line)\n"));
    }

    @Test
    void unexpectedFailuresAreDescribedByTheirCauseChainOnOneLine() {
        assertThat(Cli.describe(new IllegalStateException("cannot bind 0.0.0.0:8080",
                new java.net.BindException("Address already in use")))).isEqualTo("cannot bind 0.0.0.0:8080: Address already in use");
        assertThat(Cli.describe(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(Cli.describe(new RuntimeException("two\nlines"))).isEqualTo("two lines");
    }

    private boolean storeAvailable() {
        try (Stores s = Stores.open(new StoreConfig("sqlite", dir.resolve("probe"), 1, 16))) {
            return s != null;
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // --- links over REST ---

    @Test
    void unreachableServerIsOneLineAndExitThree() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = run(Map.of(), "links", "get", "abc123", "--server", "http://127.0.0.1:" + port);
        assertThat(r).isEqualTo(new Result(3, "", "shortr: cannot reach http://127.0.0.1:" + port + ": connection refused\n"));
    }

    @Test
    void createSendsOnlyTheGivenFieldsWithTheKey() throws IOException {
        api.answer("POST /api/v1/links", 201, ABC123);
        Result r = client("links", "create", "https://example.com/long", "--code", "abc123", "--redirect", "308",
                "--expires", "2026-12-31", "--max-clicks", "10", "--tag", "a", "--tag", "b", "--forward-query", "--reuse");
        assertThat(r).isEqualTo(new Result(0, "created abc123  https://sho.rt/abc123 -> https://example.com/long (302)\n", ""));
        FakeApi.Seen req = api.seen.getFirst();
        assertThat(req.authorization()).isEqualTo("Bearer sk_test");
        assertThat(req.contentType()).isEqualTo("application/json");
        assertThat(ApiClient.JSON.readTree(req.body())).isEqualTo(ApiClient.JSON.readTree("""
                {"url":"https://example.com/long","code":"abc123","redirect":308,"expiresAt":"2026-12-31T00:00:00Z",
                 "maxClicks":10,"tags":["a","b"],"forwardQuery":true,"reuse":true}"""));
    }

    @Test
    void aReusedLinkSaysSoAndJsonIsPrintedAsSent() {
        api.answer("POST /api/v1/links", 200, ABC123);
        assertThat(client("links", "create", "https://example.com/long").out()).startsWith("reused abc123 ");
        assertThat(client("links", "create", "https://example.com/long", "--json")).isEqualTo(new Result(0, ABC123 + "\n", ""));
        assertThat(api.seen).extracting(FakeApi.Seen::body).allSatisfy(b -> assertThat(b).isEqualTo("{\"url\":\"https://example.com/long\"}"));
    }

    @Test
    void flagsWinOverTheEnvironmentAndTheKeyCanComeFromAFile() throws IOException {
        api.answer("GET /api/v1/links/abc123", 200, ABC123);
        Path keyFile = Files.writeString(dir.resolve("key"), "sk_from_file\n");
        Result r = run(Map.of("SHORTR_SERVER", "http://127.0.0.1:1", "SHORTR_KEY_FILE", keyFile.toString()),
                "links", "get", "abc123", "--server", api.url());
        assertThat(r.exit()).isZero();
        assertThat(api.seen.getFirst().authorization()).isEqualTo("Bearer sk_from_file");
        run(Map.of("SHORTR_SERVER", api.url()), "links", "get", "abc123", "--key", "sk_flag");
        assertThat(api.seen.get(1).authorization()).isEqualTo("Bearer sk_flag");
    }

    @Test
    void listFollowsCursorsWithAll() {
        api.answer("GET /api/v1/links?tag=promo&limit=1", 200, page(ABC123, "c2"))
                .answer("GET /api/v1/links?tag=promo&limit=1&cursor=c2", 200, page(DEF456, null));
        Result all = client("links", "list", "--tag", "promo", "--limit", "1", "--all");
        assertThat(all.exit()).isZero();
        assertThat(all.out().lines().toList()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).startsWith("CODE").contains("REDIRECT", "URL", "TAGS", "EXPIRES", "CREATED");
            assertThat(lines.get(1)).startsWith("abc123 ").contains("https://example.com/long", "promo,x");
            assertThat(lines.get(2)).startsWith("def456 (disabled)").contains("301");
        });
        assertThat(all.err()).isEmpty();

        Result one = client("links", "list", "--tag", "promo", "--limit", "1");
        assertThat(one.out().lines()).hasSize(2);
        assertThat(one.err()).isEqualTo("more links: add --cursor c2 (or --all)\n");
    }

    @Test
    void listAllAsJsonIsOneDocument() throws IOException {
        api.answer("GET /api/v1/links", 200, page(ABC123, "c2")).answer("GET /api/v1/links?cursor=c2", 200, page(DEF456, null));
        Result r = client("links", "list", "--all", "--json");
        JsonNode doc = ApiClient.JSON.readTree(r.out());
        assertThat(doc.path("items")).extracting(n -> n.path("code").asText()).containsExactly("abc123", "def456");
        assertThat(doc.path("nextCursor").isNull()).isTrue();
    }

    @Test
    void getShowsEveryFieldAndEncodesTheCode() {
        api.answer("GET /api/v1/links/abc123", 200, ABC123).answer("GET /api/v1/links/a%20b%2Fc", 200, ABC123);
        Result r = client("links", "get", "abc123");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).contains(
                "code           abc123",
                "url            https://example.com/long",
                "expires        never",
                "max clicks     no limit",
                "tags           promo,x",
                "title          Spring ?[31m sale");
        assertThat(client("links", "get", "a b/c").exit()).isZero();
    }

    @Test
    void updateSendsAMergePatch() throws IOException {
        api.answer("PATCH /api/v1/links/abc123", 200, ABC123);
        Result r = client("links", "update", "abc123", "--no-expiry", "--tag", "x", "--disable", "--no-forward-query", "--title", "");
        assertThat(r).isEqualTo(new Result(0, "updated abc123  https://sho.rt/abc123 -> https://example.com/long (302)\n", ""));
        FakeApi.Seen req = api.seen.getFirst();
        assertThat(req.contentType()).isEqualTo("application/merge-patch+json");
        assertThat(ApiClient.JSON.readTree(req.body())).isEqualTo(ApiClient.JSON.readTree(
                "{\"expiresAt\":null,\"tags\":[\"x\"],\"title\":null,\"disabled\":true,\"forwardQuery\":false}"));
    }

    @Test
    void deleteAndStats() {
        api.raw("DELETE /api/v1/links/abc123", 204, "application/json", "")
                .answer("GET /api/v1/links/abc123/stats?from=2026-11-23", 200, """
                        {"code":"abc123","clicks":5,"from":"2026-11-23","to":"2026-11-24",
                         "daily":[{"day":"2026-11-23","clicks":2},{"day":"2026-11-24","clicks":3}]}""");
        assertThat(client("links", "delete", "abc123")).isEqualTo(new Result(0, "deleted abc123\n", ""));
        assertThat(api.seen.getFirst().method()).isEqualTo("DELETE");
        assertThat(client("links", "stats", "abc123", "--from", "2026-11-23").out()).isEqualTo("""
                abc123: 5 clicks (2026-11-23 to 2026-11-24)
                DAY         CLICKS
                2026-11-23  2
                2026-11-24  3
                """);
    }

    @Test
    void trackingCanBeSwitchedOffAtCreationAndBackOnLater() throws Exception {
        api.answer("POST /api/v1/links", 201, ABC123).answer("PATCH /api/v1/links/abc123", 200, ABC123);
        assertThat(client("links", "create", "https://example.com/long", "--no-track").exit()).isZero();
        assertThat(ApiClient.JSON.readTree(api.seen.get(0).body()).get("track").asBoolean()).isFalse();
        assertThat(client("links", "update", "abc123", "--track").exit()).isZero();
        assertThat(ApiClient.JSON.readTree(api.seen.get(1).body())).isEqualTo(ApiClient.JSON.readTree("{\"track\":true}"));
    }

    @Test
    void aCdnLifetimeIsSetAtCreationAndBackToTheDefaultLater() throws Exception {
        api.answer("POST /api/v1/links", 201, ABC123).answer("PATCH /api/v1/links/abc123", 200, ABC123);
        assertThat(client("links", "create", "https://example.com/long", "--redirect", "301", "--cdn-seconds", "600").exit()).isZero();
        assertThat(ApiClient.JSON.readTree(api.seen.get(0).body()).get("cdnSeconds").asInt()).isEqualTo(600);
        assertThat(client("links", "update", "abc123", "--no-cdn-seconds").exit()).isZero();
        assertThat(ApiClient.JSON.readTree(api.seen.get(1).body())).isEqualTo(ApiClient.JSON.readTree("{\"cdnSeconds\":null}"));
    }

    @Test
    void statsDrawTotalsASeriesAndTopLists() {
        api.answer("GET /api/v1/links/abc123/stats?tz=Europe%2FParis&top=3", 200, """
                {"code":"abc123","clicks":9,"from":"2026-11-23","to":"2026-11-24","tz":"Europe/Paris","granularity":"day",
                 "totals":{"clicks":6,"humans":4,"bots":2,"heads":1,"uniques":3},
                 "series":[{"start":"2026-11-23T00:00+01:00","clicks":2},{"start":"2026-11-24T00:00+01:00","clicks":4}],
                 "top":{"referrers":[{"value":"news.example","clicks":4}],"countries":[],"bots":[{"value":"preview","clicks":2}]}}""");
        assertThat(client("links", "stats", "abc123", "--tz", "Europe/Paris", "--top", "3").out()).isEqualTo("""
                abc123: 9 clicks (2026-11-23 to 2026-11-24)
                in range: 6 clicks, 4 humans, 2 bots, 3 unique visitors, 1 HEAD requests (Europe/Paris)

                2026-11-23  ####################                     2
                2026-11-24  ######################################## 4

                top referrers
                news.example  ######################################## 4

                top bots
                preview  ######################################## 2
                """);
    }

    @Test
    void visitsExportWritesTheServersCsv(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String csv = "time,link_id,code\r\n2026-11-24T10:00:00Z,7,abc123\r\n";
        api.raw("GET /api/v1/links/abc123/visits?format=csv", 200, "text/csv", csv)
                .raw("GET /api/v1/visits?from=2026-11-01&format=ndjson", 200, "application/x-ndjson", "{\"linkId\":7}\n");
        assertThat(client("visits", "export", "abc123").out()).isEqualTo(csv);
        java.nio.file.Path file = dir.resolve("all.ndjson");
        Result r = client("visits", "export", "--from", "2026-11-01", "--format", "ndjson", "-o", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("{\"linkId\":7}\n");
        assertThat(client("visits", "export", "--format", "xml").err()).contains("--format must be csv or ndjson");
    }

    @Test
    void linksQrWritesTheServersImageByteForByte() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, (byte) 0xff};
        api.bytes("GET /api/v1/links/abc123/qr?format=png&size=512&ecc=H", 200, "image/png", png)
                .raw("GET /api/v1/links/abc123/qr?format=svg&margin=2", 200, "image/svg+xml", "<svg/>");
        Path file = dir.resolve("poster.png");
        Result r = client("links", "qr", "abc123", "--size", "512", "--ecc", "H", "--out", file.toString());
        assertThat(r).isEqualTo(new Result(0, "", "wrote " + file + " (PNG, 10 bytes)\n"));
        assertThat(Files.readAllBytes(file)).as("the format follows the .png of FILE").isEqualTo(png);

        Path svg = dir.resolve("code.img");
        assertThat(client("links", "qr", "abc123", "--margin", "2", "-o", svg.toString()).exit()).isZero();
        assertThat(Files.readString(svg)).as("svg is the default").isEqualTo("<svg/>");
        assertThat(api.seen).extracting(FakeApi.Seen::authorization).containsOnly("Bearer sk_test");
    }

    @Test
    void linksQrReportsTheServersProblemAndWritesNothing() {
        api.problem("GET /api/v1/links/abc123/qr?format=svg&size=10", 400,
                "{\"title\":\"Invalid field\",\"status\":400,\"detail\":\"size must be a whole number from 64 to 2048\"}");
        Path file = dir.resolve("small.svg");
        Result r = client("links", "qr", "abc123", "--size", "10", "-o", file.toString());
        assertThat(r).isEqualTo(new Result(1, "", "shortr: Invalid field: size must be a whole number from 64 to 2048 (HTTP 400)\n"));
        assertThat(file).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "404 | application/problem+json | {\"title\":\"Link not found\",\"status\":404,\"detail\":\"no link with code 'nope'\"} | Link not found: no link with code 'nope' (HTTP 404)",
            "400 | application/problem+json | {\"title\":\"Invalid field\",\"status\":400,\"detail\":\"bad\",\"errors\":[{\"field\":\"url\",\"detail\":\"must be http(s)\"}]} | Invalid field: bad; url: must be http(s) (HTTP 400)",
            "409 | application/problem+json | {\"title\":\"Alias taken\",\"status\":409,\"detail\":\"the code 'nope'\\nis taken\"} | Alias taken: the code 'nope' is taken (HTTP 409)",
            "502 | text/html                | <html><body>Bad gateway</body></html>                                         | <html><body>Bad gateway</body></html> (HTTP 502)",
            "503 | text/plain               | ''                                                                            | no details from SERVER (HTTP 503)",
    })
    void problemsAreOneLineAndExitOne(int status, String type, String body, String line) {
        api.raw("GET /api/v1/links/nope", status, type, body);
        Result r = client("links", "get", "nope");
        assertThat(r).isEqualTo(new Result(1, "", "shortr: " + line.replace("SERVER", api.url()) + "\n"));
    }

    @Test
    void unauthorizedWithoutAKeyPointsAtTheKey() {
        api.problem("GET /api/v1/links/abc123", 401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"an API key is required\"}");
        Result r = run(Map.of("SHORTR_SERVER", api.url()), "links", "get", "abc123");
        assertThat(r.err()).isEqualTo("shortr: Unauthorized: an API key is required (HTTP 401); pass --key or set SHORTR_KEY\n");
        assertThat(api.seen.getFirst().authorization()).isNull();
    }

    // --- webhooks over REST ---

    private static final String HOOK = "{\"id\":\"wh_abc123\",\"url\":\"https://hooks.example/in\",\"events\":[\"link.created\",\"link.deleted\"],"
            + "\"enabled\":true,\"description\":\"CI\",\"createdAt\":\"2026-11-24T10:00:00Z\",\"updatedAt\":\"2026-11-24T10:00:00Z\"";

    @Test
    void webhooksCreateSendsTheGivenFieldsAndPrintsTheSecretOnce() throws IOException {
        api.answer("POST /api/v1/webhooks", 201, HOOK + ",\"secret\":\"whsec_c2VjcmV0\"}");
        Result r = client("webhooks", "create", "--url", "https://hooks.example/in", "--events", "link.created,link.deleted",
                "--description", "CI");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
                id           wh_abc123
                url          https://hooks.example/in
                events       link.created,link.deleted
                enabled      yes
                description  CI
                secret       whsec_c2VjcmV0
                """);
        assertThat(r.err()).contains("shown only once");
        assertThat(ApiClient.JSON.readTree(api.seen.getFirst().body())).isEqualTo(ApiClient.JSON.readTree(
                "{\"url\":\"https://hooks.example/in\",\"events\":[\"link.created\",\"link.deleted\"],\"description\":\"CI\"}"));

        client("webhooks", "create", "--url", "https://hooks.example/off", "--disabled");
        assertThat(ApiClient.JSON.readTree(api.seen.get(1).body())).isEqualTo(ApiClient.JSON.readTree(
                "{\"url\":\"https://hooks.example/off\",\"enabled\":false}"));
    }

    @Test
    void webhooksListAndDelete() {
        api.answer("GET /api/v1/webhooks", 200, "{\"items\":[" + HOOK + "}]}")
                .raw("DELETE /api/v1/webhooks/wh_abc123", 204, "application/json", "");
        Result listed = client("webhooks", "list");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out().lines().toList()).hasSize(2).satisfies(lines -> {
            assertThat(lines.get(0)).startsWith("ID").contains("URL", "EVENTS", "ENABLED", "DESCRIPTION", "CREATED");
            assertThat(lines.get(1)).startsWith("wh_abc123").contains("https://hooks.example/in", "link.created,link.deleted", "yes", "CI");
        });
        assertThat(client("webhooks", "delete", "wh_abc123")).isEqualTo(new Result(0, "deleted wh_abc123\n", ""));
        assertThat(api.seen.get(1).method()).isEqualTo("DELETE");
    }

    @Test
    void webhooksDeliveriesIsATableWithTheNextCursor() {
        api.answer("GET /api/v1/webhooks/wh_abc123/deliveries?limit=1", 200, """
                {"items":[{"eventId":"evt_chg_7","type":"link.created","state":"pending","attempts":2,"lastStatus":500,
                 "lastError":"HTTP 500: boom","lastAttemptAt":"2026-11-24T10:00:00Z","nextAttemptAt":"2026-11-24T10:00:30Z",
                 "deliveredAt":null,"createdAt":"2026-11-24T09:59:59Z"}],"nextCursor":"aWQ6Nw"}""");
        Result r = client("webhooks", "deliveries", "wh_abc123", "--limit", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2).satisfies(lines -> {
            assertThat(lines.get(0)).startsWith("EVENT").contains("TYPE", "STATE", "ATTEMPTS", "STATUS", "NEXT ATTEMPT", "DELIVERED", "LAST ERROR");
            assertThat(lines.get(1)).startsWith("evt_chg_7").contains("link.created", "pending", "2", "500", "2026-11-24T10:00:30Z",
                    "HTTP 500: boom");
        });
        assertThat(r.err()).isEqualTo("more deliveries: add --cursor aWQ6Nw\n");
    }

    @Test
    void webhooksTestAndRotate() {
        api.answer("POST /api/v1/webhooks/wh_abc123/test", 202, "{\"eventId\":\"evt_xyz\"}")
                .answer("POST /api/v1/webhooks/wh_abc123/rotate-secret", 200, HOOK + ",\"secret\":\"whsec_bmV3\"}");
        assertThat(client("webhooks", "test", "wh_abc123")).isEqualTo(new Result(0, "queued test event evt_xyz for wh_abc123\n", ""));
        assertThat(client("webhooks", "rotate-secret", "wh_abc123")).isEqualTo(new Result(0, "whsec_bmV3\n", ""));
    }

    @Test
    void aWebhookProblemIsOneLineAndExitOne() {
        api.problem("POST /api/v1/webhooks", 400, "{\"title\":\"Invalid field\",\"status\":400,"
                + "\"detail\":\"unknown event type 'link.visited'; expected * or any of link.created, link.updated, link.deleted, link.clicked\","
                + "\"errors\":[{\"field\":\"events\",\"detail\":\"unknown event type 'link.visited'; expected * or any of link.created, link.updated, link.deleted, link.clicked\"}]}");
        api.problem("GET /api/v1/webhooks/wh_nope/deliveries", 404, "{\"title\":\"Webhook not found\",\"status\":404,\"detail\":\"no webhook with id 'wh_nope'\"}");
        assertThat(client("webhooks", "create", "--url", "https://hooks.example/in", "--events", "link.visited")).isEqualTo(new Result(1, "",
                "shortr: Invalid field: unknown event type 'link.visited'; expected * or any of link.created, link.updated, link.deleted, link.clicked (HTTP 400)\n"));
        assertThat(client("webhooks", "deliveries", "wh_nope"))
                .isEqualTo(new Result(1, "", "shortr: Webhook not found: no webhook with id 'wh_nope' (HTTP 404)\n"));
    }

    private static String page(String item, String next) {
        return "{\"items\":[" + item + "],\"nextCursor\":" + (next == null ? "null" : "\"" + next + "\"") + "}";
    }

    private static String link(String code, String url, int redirect, boolean disabled) {
        ObjectNode n = ApiClient.JSON.createObjectNode();
        n.put("code", code).put("shortUrl", "https://sho.rt/" + code).put("url", url).put("redirect", redirect);
        n.putNull("cacheSeconds");
        n.put("forwardQuery", false).putNull("expiresAt");
        n.putNull("maxClicks");
        n.putArray("tags").add("promo").add("x");
        n.put("title", "Spring \u001b[31m sale").put("disabled", disabled)
                .put("createdAt", "2026-11-24T10:00:00Z").put("updatedAt", "2026-11-24T10:00:00Z");
        return n.toString();
    }
}
