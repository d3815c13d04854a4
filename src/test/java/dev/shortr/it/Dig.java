package dev.shortr.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code dig} (BIND 9.18, package dnsutils), a reference client whose wire behaviour we do not control,
 * read through its {@code +yaml} output rather than its columns. Several questions on one command line are
 * asked in turn, one response each.
 */
final class Dig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One resource record as dig prints it: {@code sho.rt. 30 IN A 198.51.100.1}. */
    record Rr(String name, long ttl, String type, String rdata) {
        static Rr parse(String line) {
            String[] f = line.trim().split("\\s+", 5);
            if (f.length < 4) {
                throw new AssertionError("not a record as dig prints one: '" + line + "'");
            }
            return new Rr(f[0], Long.parseLong(f[1]), f[3], f.length == 5 ? f[4] : "");
        }

        /** Owner (lower-cased), type and data, without the TTL, which counts down in a cache. */
        String key() {
            return name.toLowerCase(Locale.ROOT) + " " + type + " " + rdata;
        }

        @Override
        public String toString() {
            return name + " " + ttl + " " + type + " " + rdata;
        }
    }

    /**
     * One response.
     *
     * @param question     the question as dig prints it ({@code sho.rt. IN A}), or null
     * @param clientSubnet the ECS option echoed, as dig prints it ({@code 10.1.2.0/24/16}), or null
     * @param udp          the EDNS UDP payload size offered, or -1 without EDNS
     */
    record Response(String question, String status, Set<String> flags, List<Rr> answer, List<Rr> authority,
                    List<Rr> additional, String clientSubnet, int udp, String protocol) {
        boolean flag(String f) {
            return flags.contains(f);
        }

        /** The scope prefix length of the echoed ECS option. */
        int scope() {
            if (clientSubnet == null) {
                throw new AssertionError("no CLIENT-SUBNET in the response: " + this);
            }
            return Integer.parseInt(clientSubnet.substring(clientSubnet.lastIndexOf('/') + 1));
        }

        /** The data of the answer records of {@code type}, in order. */
        List<String> data(String type) {
            return answer.stream().filter(r -> r.type().equals(type)).map(Rr::rdata).toList();
        }
    }

    private Dig() {}

    /** {@code dig @127.0.0.1 -p PORT ARGS +yaml}: the one response to the one question in {@code args}. */
    static Response ask(int port, String... args) {
        List<Response> all = askAll(port, args);
        if (all.size() != 1) {
            throw new AssertionError("dig " + String.join(" ", args) + " printed " + all.size() + " responses, not one");
        }
        return all.getFirst();
    }

    /** Every response dig printed for the questions in {@code args} (a timeout leaves one out, so count them). */
    static List<Response> askAll(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+yaml", "+tries=1", "+time=3"));
        cmd.addAll(Arrays.asList(args));
        String out;
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("'dig' cannot be run (" + e.getMessage() + "): install Debian's dnsutils "
                    + "(apt-get install dnsutils; ./test does)", e);
        }
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("dig did not finish: " + cmd);
            }
        } catch (IOException e) {
            throw new AssertionError("reading dig's output: " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("dig exited with " + p.exitValue() + " for " + String.join(" ", cmd) + ":\n" + out);
        }
        return parse(out, cmd);
    }

    private static List<Response> parse(String yaml, List<String> cmd) {
        JsonNode root;
        try {
            // dig marks its timestamps !!timestamp; Jackson reads them as the strings they are
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new AssertionError("dig's +yaml output cannot be read (" + e.getMessage() + ") for " + cmd + ":\n" + yaml, e);
        }
        List<Response> responses = new ArrayList<>();
        if (root == null || !root.isArray()) {
            return responses;
        }
        for (JsonNode m : root) {
            JsonNode message = m.path("message");
            JsonNode data = message.path("response_message_data");
            if (data.isMissingNode()) {
                continue; // a query dig printed (+qr), or a timeout
            }
            Set<String> flags = new LinkedHashSet<>(Arrays.asList(data.path("flags").asText("").trim().split("\\s+")));
            flags.remove("");
            JsonNode edns = data.path("OPT_PSEUDOSECTION").path("EDNS");
            String subnet = edns.hasNonNull("CLIENT-SUBNET") ? edns.get("CLIENT-SUBNET").asText() : null;
            int udp = edns.hasNonNull("udp") ? edns.get("udp").asInt() : -1;
            JsonNode question = data.path("QUESTION_SECTION").path(0);
            responses.add(new Response(question.isMissingNode() ? null : question.asText(), data.path("status").asText(), flags, records(data.path("ANSWER_SECTION")),
                    records(data.path("AUTHORITY_SECTION")), records(data.path("ADDITIONAL_SECTION")), subnet, udp,
                    message.path("socket_protocol").asText()));
        }
        return responses;
    }

    private static List<Rr> records(JsonNode section) {
        List<Rr> out = new ArrayList<>();
        section.forEach(r -> out.add(Rr.parse(r.asText())));
        return out;
    }
}
