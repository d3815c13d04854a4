package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureTest {
    private static final String SHORTR_SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // bytes 0..31
    private static final String SHORTR_BODY = "{\"type\":\"link.created\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"code\":\"abc123\"}}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The example of the Standard Webhooks reference libraries, checked by hand:
     * <pre>
     * key=$(printf MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p -c 256)
     * printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' \
     *   | openssl dgst -sha256 -mac HMAC -macopt hexkey:$key -binary | base64
     * </pre>
     */
    @Test
    void theStandardWebhooksExampleSignsAsTheReferenceDoes() {
        assertThat(Signature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                utf8("{\"test\": 2432232314}"))).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    /**
     * A shortr event, computed with openssl:
     * <pre>
     * key=$(printf AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= | base64 -d | xxd -p -c 256)
     * printf '%s' 'evt_chg_42.1767225600.{"type":"link.created","timestamp":"2026-01-01T00:00:00Z","data":{"code":"abc123"}}' \
     *   | openssl dgst -sha256 -mac HMAC -macopt hexkey:$key -binary | base64
     * </pre>
     */
    @Test
    void aShortrEventSignsAsOpensslDoes() {
        assertThat(Signature.sign(SHORTR_SECRET, "evt_chg_42", 1767225600, utf8(SHORTR_BODY)))
                .isEqualTo("v1,1Vm8mBT4J6NukDLusviDTsCVOhlq3/Zkk/SMRK67qeo=");
    }

    @Test
    void theIdTimestampAndEveryByteOfTheBodyAreSigned() {
        String good = Signature.sign(SHORTR_SECRET, "evt_chg_42", 1767225600, utf8(SHORTR_BODY));
        assertThat(Signature.sign(SHORTR_SECRET, "evt_chg_43", 1767225600, utf8(SHORTR_BODY))).isNotEqualTo(good);
        assertThat(Signature.sign(SHORTR_SECRET, "evt_chg_42", 1767225601, utf8(SHORTR_BODY))).isNotEqualTo(good);
        assertThat(Signature.sign(SHORTR_SECRET, "evt_chg_42", 1767225600, utf8(SHORTR_BODY.replace("abc123", "abc124"))))
                .isNotEqualTo(good);
        assertThat(Signature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_chg_42", 1767225600, utf8(SHORTR_BODY)))
                .isNotEqualTo(good);
    }

    @Test
    void duringARotationBothSecretsSignInOneHeader() {
        String previous = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assertThat(Signature.header(List.of(SHORTR_SECRET, previous), "evt_chg_42", 1767225600, utf8(SHORTR_BODY)))
                .isEqualTo("v1,1Vm8mBT4J6NukDLusviDTsCVOhlq3/Zkk/SMRK67qeo= "
                        + Signature.sign(previous, "evt_chg_42", 1767225600, utf8(SHORTR_BODY)));
    }

    @Test
    void newSecretsAreWhsecAnd32RandomBytes() {
        SecureRandom random = new SecureRandom();
        String a = Signature.newSecret(random);
        String b = Signature.newSecret(random);
        assertThat(a).startsWith("whsec_").isNotEqualTo(b);
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
    }

    @Test
    void aSecretWithoutThePrefixIsABug() {
        assertThatThrownBy(() -> Signature.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_1", 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
    }
}
