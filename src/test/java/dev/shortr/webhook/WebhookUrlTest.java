package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.link.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which endpoint URLs are refused while private addresses are not allowed, and what the refusal says. */
class WebhookUrlTest {
    private static final String ALLOW = "; set webhooks.allowPrivate: true to send webhooks to loopback, private and link-local addresses";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:9/x                       | url host 127.0.0.1 is a loopback address",
            "http://2130706433/x                        | url host 2130706433 is a loopback address",
            "http://[::1]/                              | url host [::1] is a loopback address",
            "http://[::ffff:127.0.0.1]:8080/            | url host [::ffff:127.0.0.1] is a loopback address",
            "http://169.254.169.254/latest/meta-data/   | url host 169.254.169.254 is a link-local address",
            "http://[::ffff:a9fe:a9fe]/                 | url host [::ffff:a9fe:a9fe] is a link-local address",
            "http://[fe80::1%25eth0]/                   | url host [fe80::1%25eth0] is a link-local address",
            "https://10.0.0.8/hook                      | url host 10.0.0.8 is a private address",
            "https://172.20.1.1/hook                    | url host 172.20.1.1 is a private address",
            "https://192.168.178.1/hook                 | url host 192.168.178.1 is a private address",
            "https://[fd00::5]/hook                     | url host [fd00::5] is a private address",
            "https://100.64.1.1/hook                    | url host 100.64.1.1 is a carrier-grade NAT address",
            "http://0.0.0.0:8080/                       | url host 0.0.0.0 is an unspecified address",
            "http://[::]/                               | url host [::] is an unspecified address",
            "http://224.0.0.251/                        | url host 224.0.0.251 is a multicast address",
            "http://255.255.255.255/                    | url host 255.255.255.255 is a reserved address",
            "http://localhost:8080/hook                 | url host localhost is the local machine",
            "http://LocalHost./hook                     | url host localhost. is the local machine",
            "http://hooks.localhost/in                  | url host hooks.localhost is the local machine",
    })
    void privateHostsAreRefusedNamingTheSetting(String raw, String reason) {
        String url = WebhookUrl.parse(raw);
        assertThatThrownBy(() -> WebhookUrl.requirePublic(url)).isInstanceOf(InvalidInputException.class)
                .hasMessage(reason + ALLOW).extracting(e -> ((InvalidInputException) e).field()).isEqualTo("url");
    }

    /** Names are checked when a delivery resolves them (SenderTest), not when they are saved. */
    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example/in", "http://8.8.8.8/in", "https://[2001:db8::1]:8443/in",
            "https://127.0.0.1.nip.io/in", "https://localhost.example/in", "http://172.32.0.1/in"})
    void publicAddressesAndNamesAreAccepted(String raw) {
        assertThatCode(() -> WebhookUrl.requirePublic(WebhookUrl.parse(raw))).doesNotThrowAnyException();
    }
}
