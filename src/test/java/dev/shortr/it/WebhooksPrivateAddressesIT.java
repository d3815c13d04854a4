package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.ShortrConfig;
import dev.shortr.config.WebhooksConfig;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A node with {@code webhooks.allowPrivate: false}, the default: endpoints at loopback, private, link-local and
 * other special addresses are refused with a 400 naming the setting, and nothing is saved.
 */
class WebhooksPrivateAddressesIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(WebhooksPrivateAddressesIT::refusePrivate, n -> node = n);
    private static final String BASE = "/api/v1/webhooks";
    private static final String ALLOW = "set webhooks.allowPrivate: true to send webhooks to loopback, private and link-local addresses";

    private static ShortrConfig refusePrivate(ShortrConfig c) {
        WebhooksConfig w = c.webhooks();
        return new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(),
                new WebhooksConfig(w.enabled(), w.clickWindow(), w.maxAttempts(), w.backoffBase(), w.timeout(), w.concurrency(),
                        w.retention(), false), c.tls());
    }

    private static int endpoints() {
        return parse(node.admin("GET", BASE, null).body()).get("items").size();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:9/x                      | url host 127.0.0.1 is a loopback address",
            "http://[::1]/                             | url host [::1] is a loopback address",
            "http://169.254.169.254/                   | url host 169.254.169.254 is a link-local address",
            "http://[::ffff:169.254.169.254]/latest    | url host [::ffff:169.254.169.254] is a link-local address",
            "https://10.1.2.3/hook                     | url host 10.1.2.3 is a private address",
            "https://[fd00::1]:8443/hook               | url host [fd00::1] is a private address",
            "http://100.64.0.1/                        | url host 100.64.0.1 is a carrier-grade NAT address",
            "http://0.0.0.0:8080/                      | url host 0.0.0.0 is an unspecified address",
            "http://localhost:8080/hook                | url host localhost is the local machine",
    })
    void creatingAnEndpointAtAPrivateAddressIs400NamingTheSetting(String url, String reason) {
        int before = endpoints();
        JsonNode p = assertProblem(node.admin("POST", BASE, "{\"url\": \"" + url + "\"}"), 400, "invalid-field");
        assertThat(p.get("detail").asText()).isEqualTo(reason + "; " + ALLOW);
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo("url");
        assertThat(endpoints()).as("nothing saved").isEqualTo(before);
    }

    @Test
    void movingAnEndpointToAPrivateAddressIs400AndKeepsItsUrl() {
        HttpResponse<String> created = node.admin("POST", BASE, "{\"url\": \"https://hooks.example/in\"}");
        assertThat(created.statusCode()).as("a public url is accepted: %s", created.body()).isEqualTo(201);
        String id = parse(created.body()).get("id").asText();

        JsonNode p = assertProblem(node.admin("PATCH", BASE + "/" + id, "{\"url\": \"http://192.168.1.20/hook\"}"), 400, "invalid-field");
        assertThat(p.get("detail").asText()).isEqualTo("url host 192.168.1.20 is a private address; " + ALLOW);
        assertThat(parse(node.admin("GET", BASE + "/" + id, null).body()).get("url").asText()).isEqualTo("https://hooks.example/in");
    }
}
