package dev.shortr.link;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Whatever a client sends, validation either refuses it cleanly or yields a target safe for a header. */
class TargetUrlProperties {

    @Property(tries = 3000)
    void anyStringIsRefusedCleanlyOrSafe(@ForAll @StringLength(max = 300) String raw) {
        check(raw);
    }

    @Property(tries = 3000)
    void urlShapedStringsAreRefusedCleanlyOrSafe(@ForAll("urlish") String raw) {
        check(raw);
    }

    @Property(tries = 500)
    void dangerousSchemesAreAlwaysRefused(@ForAll("dangerous") String raw) {
        assertThat(outcome(raw)).isNull();
    }

    @Property(tries = 500)
    void credentialsAreAlwaysRefused(@ForAll("withCredentials") String raw) {
        assertThat(outcome(raw)).isNull();
    }

    private static void check(String raw) {
        TargetUrl t = outcome(raw);
        if (t == null) {
            return;
        }
        String v = t.value();
        assertThat(v).startsWith("http").matches("^https?://.*");
        assertThat(v.length()).isLessThanOrEqualTo(TargetUrl.MAX_LENGTH);
        assertThat(v.chars()).allMatch(c -> c > 0x20 && c < 0x7f); // printable ASCII only: no header splitting
        String authority = v.substring(v.indexOf("://") + 3).split("[/?#]", 2)[0];
        assertThat(authority).doesNotContain("@");
        assertThat(TargetUrl.parse(v, DomainBlocklist.NONE).value()).isEqualTo(v); // idempotent
    }

    /** The validated target, or null when refused; anything but InvalidInputException fails the property. */
    private static TargetUrl outcome(String raw) {
        try {
            return TargetUrl.parse(raw, DomainBlocklist.NONE);
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).isNotBlank();
            return null;
        }
    }

    @Provide
    Arbitrary<String> urlish() {
        Arbitrary<String> scheme = Arbitraries.of("http", "https", "HTTP", "hTtPs", "javascript", "data", "file", "ftp", "");
        Arbitrary<String> sep = Arbitraries.of("://", ":", ":/", "///", "//");
        Arbitrary<String> host = Arbitraries.strings().withChars("abcxyz.-09:@[]%ü例\\ \t\n").ofMinLength(0).ofMaxLength(30);
        Arbitrary<String> rest = Arbitraries.strings().withChars("/?#&=%abc09 \r\n\u0000\u007fé😀").ofMaxLength(60);
        return net.jqwik.api.Combinators.combine(scheme, sep, host, rest).as((a, b, c, d) -> a + b + c + d);
    }

    @Provide
    Arbitrary<String> dangerous() {
        Arbitrary<String> scheme = Arbitraries.of("javascript", "JAVASCRIPT", "data", "file", "vbscript", "blob", "about");
        Arbitrary<String> rest = Arbitraries.strings().alpha().numeric().withChars("/:%()").ofMaxLength(40);
        return net.jqwik.api.Combinators.combine(scheme, rest).as((s, r) -> s + ":" + r);
    }

    @Provide
    Arbitrary<String> withCredentials() {
        Arbitrary<String> user = Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(8);
        Arbitrary<String> host = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(h -> h + ".example");
        return net.jqwik.api.Combinators.combine(Arbitraries.of("http", "https"), user, host)
                .as((s, u, h) -> s + "://" + u + "@" + h + "/");
    }
}
